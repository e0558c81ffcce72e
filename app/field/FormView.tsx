import { createResource, createSignal, For, Match, onMount, Show, Switch } from 'solid-js';
import type { AnswerSet, Json } from '../../core/docs/schema.ts';
import { dropHiddenAnswers, validateAnswer, validateAnswers, visibleQuestions, type ShelfAnswer } from '../../core/forms/answers.ts';
import { ratingMax, type FormDefinition, type Question } from '../../core/forms/definition.ts';
import { get } from '../lib/api.ts';
import { photoUrl, queuePhoto } from './photos.ts';
import { currentPosition, type Fix } from './position.ts';

interface Props {
  form: { id: string; name: string; latestVersion: number; definition: FormDefinition };
  value: AnswerSet | undefined;
  dealerId: string;
  visitId: string;
  readOnly: boolean;
  onChange: (set: AnswerSet) => void;
  onPhoto: (sha: string, questionId: string, fix: Fix | null) => void;
}

interface Product { id: string; name: string }

// A visit form rendered from its definition. Each answer is checked as it is given (the same
// check the server runs); a wrong one is shown and not written, and nothing else is touched.
// A form already started keeps the version it was started with.
export default function FormView(props: Props) {
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [products] = createResource(() => get<{ items: Product[] }>('/api/products?pageSize=200').catch(() => ({ items: [] as Product[] })));
  const version = () => props.value?.version ?? props.form.latestVersion;
  const [def] = createResource(version, async (v) => v === props.form.latestVersion
    ? props.form.definition
    : (await get<{ definition: FormDefinition }>(`/api/forms/${encodeURIComponent(props.form.id)}/versions/${v}`)).definition);
  const values = () => (props.value?.values ?? {}) as Record<string, unknown>;
  const shown = () => (def() ? visibleQuestions(def()!, values()) : []);
  const check = () => (def() ? validateAnswers(def()!, values()) : { ok: true as const });

  const set = (q: Question, value: unknown) => {
    const problem = validateAnswer(q, value);
    setErrors((e) => { const n = { ...e }; if (problem) n[q.id] = problem; else delete n[q.id]; return n; });
    if (problem) return;
    const next = dropHiddenAnswers(def()!, { ...values(), [q.id]: value });
    props.onChange({ formId: props.form.id, version: version(), values: next as Record<string, Json> });
  };
  const submit = () => {
    const r = check();
    if (!r.ok) { setErrors(r.errors); return; }
    props.onChange({ formId: props.form.id, version: version(), values: values() as Record<string, Json>, submittedAt: new Date().toISOString() });
  };
  const productName = (id: string) => products()?.items.find((p) => p.id === id)?.name ?? id;
  const fieldId = (q: Question) => `f-${props.form.id}-${q.id}`;

  return (
    <section class="form-card" aria-labelledby={`${props.form.id}-title`} data-form={props.form.id}>
      <h2 id={`${props.form.id}-title`}>{def()?.title ?? props.form.name}
        <Show when={props.value?.submittedAt}><span class="badge"> completed</span></Show></h2>
      <For each={shown()}>{(q) => (
        <div class="question" data-question={q.id}>
          <Switch>
            <Match when={q.type === 'text'}>
              <label for={fieldId(q)}>{q.label}{q.required ? ' *' : ''}</label>
              <textarea id={fieldId(q)} rows="2" disabled={props.readOnly} value={String(values()[q.id] ?? '')} onChange={(e) => set(q, e.currentTarget.value)} />
            </Match>
            <Match when={q.type === 'number'}>
              <label for={fieldId(q)}>{q.label}{q.required ? ' *' : ''}</label>
              <input id={fieldId(q)} type="text" inputmode="decimal" disabled={props.readOnly} value={values()[q.id] === undefined ? '' : String(values()[q.id])}
                onChange={(e) => { const raw = e.currentTarget.value.trim().replace(',', '.'); set(q, raw === '' ? null : Number.isNaN(Number(raw)) ? raw : Number(raw)); }} />
            </Match>
            <Match when={q.type === 'date'}>
              <label for={fieldId(q)}>{q.label}{q.required ? ' *' : ''}</label>
              <input id={fieldId(q)} type="date" disabled={props.readOnly} value={String(values()[q.id] ?? '')} onChange={(e) => set(q, e.currentTarget.value || null)} />
            </Match>
            <Match when={q.type === 'single' || q.type === 'yesno' || q.type === 'rating'}>
              <fieldset>
                <legend>{q.label}{q.required ? ' *' : ''}</legend>
                <For each={q.type === 'yesno' ? [true, false] : q.type === 'rating' ? Array.from({ length: ratingMax(q) }, (_, i) => i + 1) : (q.options ?? [])}>{(opt) => (
                  <label class="check"><input type="radio" name={fieldId(q)} disabled={props.readOnly} checked={values()[q.id] === opt} onChange={() => set(q, opt)} />
                    {opt === true ? 'Yes' : opt === false ? 'No' : String(opt)}</label>
                )}</For>
              </fieldset>
            </Match>
            <Match when={q.type === 'multi'}>
              <fieldset>
                <legend>{q.label}{q.required ? ' *' : ''}</legend>
                <For each={q.options ?? []}>{(opt) => {
                  const picked = () => (values()[q.id] as string[] | undefined) ?? [];
                  return <label class="check"><input type="checkbox" disabled={props.readOnly} checked={picked().includes(opt)}
                    onChange={(e) => set(q, e.currentTarget.checked ? [...picked(), opt] : picked().filter((x) => x !== opt))} />{opt}</label>;
                }}</For>
              </fieldset>
            </Match>
            <Match when={q.type === 'photo'}>
              <PhotoQuestion q={q} shas={(values()[q.id] as string[] | undefined) ?? []} readOnly={props.readOnly} dealerId={props.dealerId} visitId={props.visitId}
                onAdd={(sha, fix) => { props.onPhoto(sha, q.id, fix); set(q, [...((values()[q.id] as string[] | undefined) ?? []), sha]); }}
                onError={(m) => setErrors((e) => ({ ...e, [q.id]: m }))} />
            </Match>
            <Match when={q.type === 'signature'}>
              <SignatureQuestion q={q} value={values()[q.id] as string | undefined} readOnly={props.readOnly} onSave={(url) => set(q, url)} />
            </Match>
            <Match when={q.type === 'shelf'}>
              <table class="shelf">
                <caption>{q.label}{q.required ? ' *' : ''}</caption>
                <thead><tr><th scope="col">Product</th><th scope="col">Present</th><th scope="col">Price seen</th><th scope="col">Facings</th><th scope="col">Out of stock</th></tr></thead>
                <tbody>
                  <For each={q.products ?? []}>{(pid) => {
                    const grid = () => (values()[q.id] as ShelfAnswer | undefined) ?? {};
                    const row = () => grid()[pid] ?? { present: false };
                    const put = (patch: Record<string, unknown>) => {
                      const next = { ...row(), ...patch } as Record<string, unknown>;
                      for (const k of Object.keys(next)) if (next[k] === undefined) delete next[k];
                      set(q, { ...grid(), [pid]: next });
                    };
                    const num = (raw: string) => (raw.trim() === '' ? undefined : Number(raw.replace(',', '.')));
                    return (
                      <tr data-product={pid}>
                        <th scope="row">{productName(pid)}</th>
                        <td><input type="checkbox" aria-label={`${productName(pid)} present`} disabled={props.readOnly} checked={row().present} onChange={(e) => put({ present: e.currentTarget.checked })} /></td>
                        <td><input type="text" inputmode="decimal" size="6" aria-label={`${productName(pid)} price seen`} disabled={props.readOnly} value={row().price ?? ''} onChange={(e) => put({ price: num(e.currentTarget.value) })} /></td>
                        <td><input type="text" inputmode="numeric" size="3" aria-label={`${productName(pid)} facings`} disabled={props.readOnly} value={row().facings ?? ''} onChange={(e) => put({ facings: num(e.currentTarget.value) })} /></td>
                        <td><input type="checkbox" aria-label={`${productName(pid)} out of stock`} disabled={props.readOnly} checked={!!row().outOfStock} onChange={(e) => put({ outOfStock: e.currentTarget.checked })} /></td>
                      </tr>
                    );
                  }}</For>
                </tbody>
              </table>
            </Match>
          </Switch>
          <Show when={errors()[q.id]}><p class="field-error" role="alert">{errors()[q.id]}</p></Show>
        </div>
      )}</For>
      <Show when={!props.readOnly}>
        <button type="button" onClick={submit}>{props.value?.submittedAt ? 'Save changes' : `Complete ${def()?.title ?? props.form.name}`}</button>
      </Show>
    </section>
  );
}

function PhotoQuestion(props: { q: Question; shas: string[]; readOnly: boolean; dealerId: string; visitId: string; onAdd: (sha: string, fix: Fix | null) => void; onError: (m: string) => void }) {
  const [busy, setBusy] = createSignal(false);
  const take = async (file: File | undefined) => {
    if (!file) return;
    setBusy(true);
    try {
      // The position goes with the photo only if the phone has one at hand; no waiting for it.
      const fix = await currentPosition(3000).catch(() => null);
      const photo = await queuePhoto(file, { dealerId: props.dealerId, visitId: props.visitId, lat: fix?.lat ?? null, lng: fix?.lng ?? null });
      props.onAdd(photo.sha, fix);
    } catch (err) {
      props.onError((err as Error).message || 'This file is not a photo.');
    } finally {
      setBusy(false);
    }
  };
  return (
    <div>
      <label for={`photo-${props.q.id}`}>{props.q.label}{props.q.required ? ' *' : ''}</label>
      <div class="thumbs"><For each={props.shas}>{(sha) => <Thumb sha={sha} />}</For></div>
      <Show when={!props.readOnly}>
        <input id={`photo-${props.q.id}`} type="file" accept="image/*" capture="environment" disabled={busy()} onChange={(e) => take(e.currentTarget.files?.[0])} />
      </Show>
    </div>
  );
}

function Thumb(props: { sha: string }) {
  const [url] = createResource(() => props.sha, (sha) => photoUrl(sha));
  return <Show when={url()}><img class="thumb" src={url()} alt="Photo taken during the visit" width="96" height="96" loading="lazy" /></Show>;
}

function SignatureQuestion(props: { q: Question; value: string | undefined; readOnly: boolean; onSave: (url: string) => void }) {
  let canvas!: HTMLCanvasElement;
  let drawing = false;
  onMount(() => {
    const ctx = canvas.getContext('2d')!;
    ctx.lineWidth = 2;
    ctx.lineCap = 'round';
    const at = (e: PointerEvent) => { const r = canvas.getBoundingClientRect(); return [(e.clientX - r.left) * (canvas.width / r.width), (e.clientY - r.top) * (canvas.height / r.height)] as const; };
    canvas.addEventListener('pointerdown', (e) => { if (props.readOnly) return; drawing = true; ctx.beginPath(); ctx.moveTo(...at(e)); canvas.setPointerCapture(e.pointerId); });
    canvas.addEventListener('pointermove', (e) => { if (!drawing) return; ctx.lineTo(...at(e)); ctx.stroke(); });
    canvas.addEventListener('pointerup', () => { drawing = false; });
  });
  return (
    <div>
      <span id={`sig-${props.q.id}`}>{props.q.label}{props.q.required ? ' *' : ''}</span>
      <Show when={props.value} fallback={
        <>
          <canvas ref={canvas} class="signature" width="320" height="120" role="img" aria-labelledby={`sig-${props.q.id}`} />
          <button type="button" onClick={() => props.onSave(canvas.toDataURL('image/png'))}>Save signature</button>
        </>
      }><img src={props.value} alt="Signature" width="160" height="60" /></Show>
    </div>
  );
}
