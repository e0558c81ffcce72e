import { createResource, createSignal, For, Show } from 'solid-js';
import Shell from '../../components/Shell.tsx';
import { ApiError, get, send } from '../../lib/api.ts';
import { may } from '../../lib/access.ts';

interface Announcement { id: string; title: string; body: string; audience: string; publishedAt: string }
interface DocumentItem { id: string; title: string; kind: string; bytes: number; audience: string; createdAt: string; url: string }
interface Content { announcements: Announcement[]; documents: DocumentItem[] }
interface Region { id: string; name: string }

const TIERS = ['platinum', 'gold', 'silver', 'bronze'];
const KIND_LABEL: Record<string, string> = { price_list: 'Price list', catalog: 'Catalog', other: 'Other' };

function AudienceSelect(props: { regions: Region[] | undefined; name: string }) {
  return (
    <label>Audience
      <select name={props.name}>
        <option value="all">All dealers</option>
        <optgroup label="Tier"><For each={TIERS}>{(t) => <option value={`tier:${t}`}>{t[0].toUpperCase() + t.slice(1)} dealers</option>}</For></optgroup>
        <optgroup label="Region"><For each={props.regions}>{(r) => <option value={`region:${r.id}`}>{r.name}</option>}</For></optgroup>
      </select>
    </label>
  );
}

// HQ publishes announcements and documents (price lists, catalogs) to all dealers, a tier or a region.
export default function HqAnnouncements() {
  return <Shell face="hq" need="home:manage"><HqAnnouncementsContent /></Shell>;
}

function HqAnnouncementsContent() {
  const allowed = () => may('home:manage');
  const [content, { refetch }] = createResource(allowed, () => get<Content>('/api/home/content'));
  const [regions] = createResource(() => get<{ items: Region[] }>('/api/regions'));
  const [message, setMessage] = createSignal('');
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const audienceName = (a: string) => a === 'all' ? 'All dealers'
    : a.startsWith('tier:') ? `${a.slice(5)} tier` : regions()?.items.find((r) => `region:${r.id}` === a)?.name ?? a;

  const run = async (what: () => Promise<string>, form: HTMLFormElement) => {
    setError(''); setMessage(''); setBusy(true);
    try {
      setMessage(await what());
      form.reset();
      void refetch();
    } catch (e) {
      setError(e instanceof ApiError || e instanceof Error ? e.message : 'That did not work. Try again.');
    } finally { setBusy(false); }
  };

  const publish = (e: SubmitEvent) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    void run(async () => {
      await send('POST', '/api/home/announcements', { title: String(f.get('title') ?? ''), body: String(f.get('body') ?? ''), audience: String(f.get('audience') ?? 'all') });
      return 'Announcement published.';
    }, form);
  };

  const upload = (e: SubmitEvent) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    void run(async () => {
      const res = await fetch('/api/home/documents', { method: 'PUT', body: new FormData(form), credentials: 'same-origin' });
      if (!res.ok) {
        const body = await res.json().catch(() => null) as { error?: { message?: string } } | null;
        throw new Error(body?.error?.message ?? `Upload failed (${res.status}).`);
      }
      return 'Document uploaded.';
    }, form);
  };

  return (
    <>
      <h1>Announcements and documents</h1>
      <Show when={allowed()}>
        <div role="status" aria-live="polite">{message()}</div>
        <Show when={error()}><p role="alert">{error()}</p></Show>
        <div class="home-grid pair">
          <section aria-labelledby="publish-h" class="home-card">
            <h2 id="publish-h">Publish an announcement</h2>
            <form class="stack" onSubmit={publish}>
              <label>Title<input name="title" required maxLength={200} /></label>
              <label>Message<textarea name="body" required maxLength={5000} rows={5} /></label>
              <AudienceSelect regions={regions()?.items} name="audience" />
              <button type="submit" disabled={busy()}>Publish</button>
            </form>
          </section>
          <section aria-labelledby="upload-h" class="home-card">
            <h2 id="upload-h">Upload a document</h2>
            <form class="stack" onSubmit={upload}>
              <label>File (at most 8 MB)<input name="file" type="file" required /></label>
              <label>Title<input name="title" required maxLength={200} /></label>
              <label>Kind<select name="kind"><option value="price_list">Price list</option><option value="catalog">Catalog</option><option value="other">Other</option></select></label>
              <AudienceSelect regions={regions()?.items} name="audience" />
              <button type="submit" disabled={busy()}>Upload</button>
            </form>
          </section>
        </div>
        <section aria-labelledby="published-h">
          <h2 id="published-h">Published</h2>
          <ul class="plain home-news">
            <For each={content()?.announcements}>{(a) => (
              <li><article><h3>{a.title}</h3><p class="hint">{new Date(a.publishedAt).toLocaleString()} · {audienceName(a.audience)}</p><p>{a.body}</p></article></li>
            )}</For>
          </ul>
        </section>
        <section aria-labelledby="docs-h">
          <h2 id="docs-h">Documents</h2>
          <ul class="plain">
            <For each={content()?.documents}>{(d) => (
              <li><a href={d.url} target="_blank" rel="noopener">{d.title}</a> <span class="hint">{KIND_LABEL[d.kind] ?? d.kind} · {audienceName(d.audience)}{d.bytes ? '' : ' · file not uploaded'}</span></li>
            )}</For>
          </ul>
        </section>
      </Show>
    </>
  );
}
