import { A, useNavigate, useParams } from '@solidjs/router';
import { createResource, createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import { makeDocId, newUid, parseDocId, type DocId } from '../../../../core/docs/id.ts';
import { initDoc, visit, type AnswerSet, type Json } from '../../../../core/docs/schema.ts';
import { clockIsWrong, PROBLEM_TEXT, verifyPosition, type Verification } from '../../../../core/field/checkin.ts';
import { visitDate } from '../../../../core/field/schedule.ts';
import type { FormDefinition } from '../../../../core/forms/definition.ts';
import Shell from '../../../components/Shell.tsx';
import SyncBadge from '../../../components/SyncBadge.tsx';
import FormView from '../../../field/FormView.tsx';
import StockCount from '../../../field/StockCount.tsx';
import { clockOffset, loadDay, plannedStart, todayIso, type Day } from '../../../field/day.ts';
import { currentPosition, type Fix } from '../../../field/position.ts';
import { get } from '../../../lib/api.ts';
import { label } from '../../../lib/format.ts';
import { me } from '../../../lib/session.ts';
import { openDoc, rememberDoc, type OpenDoc } from '../../../sync/registry.ts';

interface FormItem { id: string; name: string; latestVersion: number; definition: FormDefinition }
interface Pending { kind: 'checkIn' | 'checkOut'; fix: Fix; v: Verification }

const STATUS_TEXT: Record<string, string> = { planned: 'Planned', in_progress: 'In progress', done: 'Done', missed: 'Missed' };
const time = (iso: unknown) => (typeof iso === 'string' ? new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }) : '');

// One visit, as a document on the phone: check-in and check-out with the position, the forms
// and photos, the dealer's tasks and notes. Everything is written locally first and reaches the
// server when there is a network.
export default function VisitPage() {
  return <Shell face="field" need="visit:W"><VisitPageContent /></Shell>;
}

function VisitPageContent() {
  const params = useParams<{ id: string }>();
  const navigate = useNavigate();
  const [open, setOpen] = createSignal<OpenDoc | null>(null);
  const [version, setVersion] = createSignal(0);
  const [error, setError] = createSignal('');
  const [pending, setPending] = createSignal<Pending | null>(null);
  const [offset, setOffset] = createSignal<number | null>(null);
  const [busy, setBusy] = createSignal(false);
  let id: DocId | null = null;
  try { id = parseDocId(decodeURIComponent(params.id)); } catch { /* shown below */ }
  const date = (id && visitDate(id.uid)) ?? todayIso();
  const [day] = createResource(() => loadDay(date).catch(() => null as Day | null));
  const [forms] = createResource(() => id && get<{ items: FormItem[] }>(`/api/forms?dealer=${encodeURIComponent(id.dealerId)}`).catch(() => ({ items: [] as FormItem[] })));
  let reasonInput!: HTMLTextAreaElement;

  onMount(async () => {
    if (!id || id.kind !== 'visit') { setError('This is not a visit link.'); return; }
    setOffset(await clockOffset());
    const o = openDoc(id.id);
    o.doc.on('update', () => setVersion((v) => v + 1));
    await o.ready;
    // The rep's own visit starts on the rep's phone, offline or not.
    if (visit.status(o.doc) === undefined && id.repId === me()!.user.id) {
      const stop = (await loadDay(date).catch(() => null))?.stops.find((s) => s.dealerId === id!.dealerId);
      const start = await plannedStart(date, id.dealerId);
      initDoc(o.doc, id, me()!.user.id, { visitType: stop?.visitType ?? 'routine', ...(start ? { plannedStart: start } : {}) });
    }
    await rememberDoc({ id: id.id, kind: 'visit', title: `Visit ${id.dealerId}`, updatedAt: Date.now() });
    setOpen(o);
    setVersion((v) => v + 1);
  });
  onCleanup(() => open()?.close());

  const doc = () => { version(); return open()?.doc; };
  const status = () => { const d = doc(); return d ? visit.status(d) : undefined; };
  const record = (k: 'checkIn' | 'checkOut') => { const d = doc(); return d ? (visit.get(d, k) as Record<string, Json> | undefined) : undefined; };
  const dealer = () => day()?.dealers.find((d) => d.id === id?.dealerId);
  const tasks = () => day()?.tasks.filter((t) => t.dealerId === id?.dealerId) ?? [];
  const done = (taskId: string) => { const d = doc(); return !!d && visit.tasksDone(d).has(taskId); };

  const measure = async (kind: 'checkIn' | 'checkOut') => {
    setError('');
    setBusy(true);
    try {
      const fix = await currentPosition();
      const d = dealer();
      const settings = day()?.settings ?? { radiusM: 150, maxAccuracyM: 100, lateAfterMin: 15 };
      const v = verifyPosition(fix, { lat: d?.lat ?? null, lng: d?.lng ?? null }, settings);
      if (v.verified) write(kind, fix, v);
      else setPending({ kind, fix, v });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const write = (kind: 'checkIn' | 'checkOut', fix: Fix, v: Verification, reason?: string) => {
    const rec = { at: new Date().toISOString(), lat: fix.lat, lng: fix.lng, accuracy: fix.accuracy, offsetMs: offset(), distanceM: v.distanceM, verified: v.verified, ...(reason ? { reason } : {}) };
    if (kind === 'checkIn') visit.checkIn(doc()!, rec); else visit.checkOut(doc()!, rec);
    setPending(null);
  };
  const confirmOutside = (e: SubmitEvent) => {
    e.preventDefault();
    const p = pending();
    const reason = reasonInput.value.trim();
    if (!p) return;
    if (!reason) { setError('Say why you are checking in away from the dealer.'); reasonInput.focus(); return; }
    write(p.kind, p.fix, p.v, reason);
  };

  // An order taken during the visit is the dealer's order document, written by the rep.
  const orderForDealer = async () => {
    const orderId = makeDocId('order', { dealerId: id!.dealerId }, newUid());
    await rememberDoc({ id: orderId, kind: 'order', title: `Order for ${dealer()?.name ?? id!.dealerId}`, updatedAt: Date.now() });
    navigate(`/portal/orders/${orderId}?new=1`);
  };

  const answersOf = (formId: string) => { const d = doc(); return d ? (visit.answers(d).get(formId) as AnswerSet | undefined) : undefined; };

  return (
    <>
      <p><A href="/field/today">← Today</A></p>
      <h1>{dealer()?.name ?? 'Visit'}</h1>
      <Show when={dealer()}><p class="hint">{dealer()!.address}{dealer()!.city ? `, ${dealer()!.city}` : ''}</p></Show>
      <Show when={error()}><p role="alert">{error()}</p></Show>
      <Show when={open()}>{(o) => <SyncBadge state={o().state()} />}</Show>
      <Show when={clockIsWrong(offset())}>
        <p class="flag" role="note">Your phone's clock is {Math.round(Math.abs(offset()!) / 60_000)} minutes {offset()! > 0 ? 'slow' : 'fast'}. Times are recorded as the phone shows them and corrected on the server.</p>
      </Show>
      <Show when={status()}>
        <p class="meta">Status: <strong data-testid="visit-status">{STATUS_TEXT[status()!] ?? label(status()!)}</strong>
          <Show when={record('checkIn')}> · in at {time(record('checkIn')!.at)}{record('checkIn')!.verified ? ' (verified)' : ` (${record('checkIn')!.distanceM ?? '?'} m away)`}</Show>
          <Show when={record('checkOut')}> · out at {time(record('checkOut')!.at)}</Show>
        </p>
        <Show when={pending()}>{(p) => (
          <form class="panel" onSubmit={confirmOutside} aria-labelledby="outside-title">
            <h2 id="outside-title">{PROBLEM_TEXT[p().v.problem!]}</h2>
            <p>{p().v.distanceM !== null ? `You are ${p().v.distanceM} m from the dealer (limit ${day()?.settings.radiusM ?? 150} m), ` : ''}position accurate to {Math.round(p().fix.accuracy)} m.
              You can still {p().kind === 'checkIn' ? 'check in' : 'check out'}; the visit will be flagged.</p>
            <label>Reason<textarea ref={reasonInput} rows="2" required /></label>
            <div class="toolbar">
              <button type="submit">{p().kind === 'checkIn' ? 'Check in anyway' : 'Check out anyway'}</button>
              <button type="button" onClick={() => setPending(null)}>Cancel</button>
            </div>
          </form>
        )}</Show>
        <Show when={status() === 'planned' && !pending()}>
          <button type="button" class="primary" disabled={busy()} onClick={() => measure('checkIn')}>Check in</button>
        </Show>
        <Show when={status() === 'in_progress' || status() === 'done'}>
          <For each={forms()?.items ?? []}>{(f) => (
            <FormView form={f} value={answersOf(f.id)} dealerId={id!.dealerId} visitId={id!.id} readOnly={status() === 'done'}
              onChange={(set) => visit.setAnswers(doc()!, set)}
              onPhoto={(sha, questionId, fix) => visit.addPhoto(doc()!, sha, { formId: f.id, questionId, at: new Date().toISOString(), ...(fix ? { lat: fix.lat, lng: fix.lng } : {}) })} />
          )}</For>
          <Show when={tasks().length}>
            <fieldset>
              <legend>Tasks at this dealer</legend>
              <For each={tasks()}>{(t) => (
                <label class="check"><input type="checkbox" checked={done(t.id)} disabled={done(t.id) || status() === 'done'} onChange={(e) => { if (e.currentTarget.checked) visit.markTaskDone(doc()!, t.id); }} />
                  {t.title}<span class="hint"> due {t.dueDate}</span></label>
              )}</For>
            </fieldset>
          </Show>
          <Show when={status() === 'in_progress'}><StockCount dealerId={id!.dealerId} /></Show>
          <label>Visit notes
            <textarea rows="3" value={(() => { const d = doc(); return d ? visit.notes(d).toString() : ''; })()} disabled={status() === 'done'}
              onChange={(e) => { const t = visit.notes(doc()!); doc()!.transact(() => { t.delete(0, t.length); t.insert(0, e.currentTarget.value); }); }} />
          </label>
          <Show when={status() === 'in_progress'}>
            <button type="button" onClick={orderForDealer}>New order for this dealer</button>
          </Show>
          <Show when={status() === 'in_progress' && !pending()}>
            <button type="button" class="primary" disabled={busy()} onClick={() => measure('checkOut')}>Check out</button>
          </Show>
        </Show>
      </Show>
      <Show when={open() && status() === undefined && id && id.repId !== me()?.user.id}>
        <p>This visit has not reached this device yet.</p>
      </Show>
    </>
  );
}
