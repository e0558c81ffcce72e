import { createResource, createSignal, For, Show } from 'solid-js';
import { API_SCOPES } from '../../../core/validators/integrations.ts';
import Shell from '../../components/Shell.tsx';
import { ApiError, get, send } from '../../lib/api.ts';
import { may } from '../../lib/access.ts';

interface ApiKey { id: string; name: string; scopes: string[]; prefix: string; createdBy: string | null; createdAt: string; lastUsedAt: string | null; revokedAt: string | null }

const SCOPE_LABEL: Record<string, string> = { 'shipments:write': 'Shipments: report shipment events for orders (ERP)' };
const when = (at: string | null) => (at ? new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '—');

// HQ's API keys for outside systems: create one with scopes (its secret is shown once), see
// when each was last used, revoke one that leaked or is no longer needed.
export default function HqIntegrations() {
  return <Shell face="hq" need="integrations:manage"><HqIntegrationsContent /></Shell>;
}

function HqIntegrationsContent() {
  const allowed = () => may('integrations:manage');
  const [keys, { refetch }] = createResource(allowed, () => get<{ items: ApiKey[] }>('/api/integrations/keys'));
  const [created, setCreated] = createSignal<(ApiKey & { secret: string }) | null>(null);
  const [copied, setCopied] = createSignal(false);
  const [message, setMessage] = createSignal('');
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);

  const create = async (e: SubmitEvent) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    setError(''); setMessage(''); setCopied(false); setBusy(true);
    try {
      const key = await send<ApiKey & { secret: string }>('POST', '/api/integrations/keys', { name: String(f.get('name') ?? ''), scopes: f.getAll('scopes').map(String) });
      setCreated(key);
      form.reset();
      void refetch();
    } catch (err) {
      setError(err instanceof ApiError || err instanceof Error ? err.message : 'That did not work. Try again.');
    } finally { setBusy(false); }
  };

  const copy = async () => {
    const key = created();
    if (!key) return;
    try { await navigator.clipboard.writeText(key.secret); setCopied(true); } catch { setError('Copying was not allowed here: select the key and copy it by hand.'); }
  };

  const revoke = async (key: ApiKey) => {
    if (!confirm(`Revoke "${key.name}"? Systems using it are refused at once. This cannot be undone.`)) return;
    setError(''); setMessage('');
    try {
      await send('DELETE', `/api/integrations/keys/${encodeURIComponent(key.id)}`);
      setMessage(`"${key.name}" revoked.`);
      if (created()?.id === key.id) setCreated(null);
      void refetch();
    } catch (err) {
      setError(err instanceof ApiError || err instanceof Error ? err.message : 'That did not work. Try again.');
    }
  };

  return (
    <>
      <h1>Integrations</h1>
      <Show when={allowed()}>
        <div role="status" aria-live="polite">{message()}</div>
        <Show when={error()}><p role="alert">{error()}</p></Show>
        <section aria-labelledby="create-h" class="home-card">
          <h2 id="create-h">Create an API key</h2>
          <form class="stack" onSubmit={create}>
            <label>Name<input name="name" required maxLength={100} placeholder="e.g. ERP production" /></label>
            <fieldset>
              <legend>What the key may do</legend>
              <For each={API_SCOPES}>{(s) => (
                <label><input type="checkbox" name="scopes" value={s} checked={s === 'shipments:write'} /> {SCOPE_LABEL[s] ?? s}</label>
              )}</For>
            </fieldset>
            <button type="submit" disabled={busy()}>Create key</button>
          </form>
        </section>
        <Show when={created()}>{(k) => (
          <section aria-labelledby="secret-h" class="flag" role="region" data-testid="new-key">
            <h2 id="secret-h">Key "{k().name}" created</h2>
            <p>Copy it now and give it to the system that will use it. It is not shown again; if it is lost, revoke it and create another.</p>
            <p>
              <label>API key<input readOnly value={k().secret} size={60} class="mono" onFocus={(e) => e.currentTarget.select()} /></label>
              {' '}<button type="button" onClick={copy}>{copied() ? 'Copied' : 'Copy'}</button>
            </p>
            <p class="hint">The system sends it as <code>Authorization: Bearer {k().prefix}…</code></p>
            <button type="button" class="link" onClick={() => setCreated(null)}>Done, hide the key</button>
          </section>
        )}</Show>
        <section aria-labelledby="keys-h">
          <h2 id="keys-h">API keys</h2>
          <table>
            <caption class="sr-only">API keys, newest first</caption>
            <thead><tr><th scope="col">Name</th><th scope="col">Key</th><th scope="col">Scopes</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">State</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
            <tbody>
              <For each={keys()?.items} fallback={<tr><td colspan="7">{keys.loading ? 'Loading…' : 'No API keys yet'}</td></tr>}>{(k) => (
                <tr data-key={k.id}>
                  <th scope="row">{k.name}</th>
                  <td><span class="mono">{k.prefix}…</span></td>
                  <td>{k.scopes.length ? k.scopes.join(', ') : 'none'}</td>
                  <td>{when(k.createdAt)}</td>
                  <td>{when(k.lastUsedAt)}</td>
                  <td>{k.revokedAt ? `Revoked ${when(k.revokedAt)}` : 'Active'}</td>
                  <td><Show when={!k.revokedAt}><button type="button" onClick={() => void revoke(k)}>Revoke<span class="sr-only"> {k.name}</span></button></Show></td>
                </tr>
              )}</For>
            </tbody>
          </table>
        </section>
      </Show>
    </>
  );
}
