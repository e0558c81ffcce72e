import { A } from '@solidjs/router';
import { createEffect, createMemo, createResource, createSignal, For, lazy, on, onMount, Show } from 'solid-js';
import { makeDocId } from '../../../core/docs/id.ts';
import { hhmm, visitUid } from '../../../core/field/schedule.ts';
import type { PlanResult } from '../../../core/route/plan.ts';
import Shell from '../../components/Shell.tsx';
import { loadDay, loadEdits, optimise, planInput, savePlannedStarts, saveEdits, stopsOf, todayIso, type Day, type DayEdits, type DayStop } from '../../field/day.ts';
import { get, offlineSince } from '../../lib/api.ts';
import { me } from '../../lib/session.ts';
import { currentPosition, type Fix } from '../../field/position.ts';

const RouteMap = lazy(() => import('../../components/map/RouteMap.tsx'));

const REASONS: Record<string, string> = { window_unreachable: 'Its opening hours cannot be reached', day_too_long: 'It does not fit in the working day', no_slot: 'No free time for it' };

// The rep's day: the stops in the optimised order with arrival times, the route on a map, a
// navigation link per stop; the rep drops, adds and reorders stops. All of it offline.
export default function Today() {
  return <Shell face="field" need="field:work"><TodayContent /></Shell>;
}

function TodayContent() {
  const date = todayIso();
  const [day] = createResource(() => loadDay(date));
  const [edits, setEdits] = createSignal<DayEdits>({ dropped: [], added: [], order: null });
  const [plan, setPlan] = createSignal<PlanResult | null>(null);
  const [here, setHere] = createSignal<Fix | null>(null);
  const [view, setView] = createSignal<'list' | 'map'>('list');
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  let addSel!: HTMLSelectElement;

  onMount(async () => { setEdits(await loadEdits(date)); });
  // Everything a visit needs offline is fetched with the day: the dealers' forms and the products.
  createEffect(on(day, (d) => {
    if (!d) return;
    void get('/api/products?pageSize=200').catch(() => undefined);
    for (const s of d.stops) void get(`/api/forms?dealer=${encodeURIComponent(s.dealerId)}`).catch(() => undefined);
  }));

  const stops = createMemo(() => { const d = day(); return d ? stopsOf(d, edits()) : []; });
  const dealer = (id: string) => day()?.dealers.find((d) => d.id === id);
  const stopOf = (id: string) => stops().find((s) => s.dealerId === id);

  const reoptimise = async () => {
    const d = day();
    if (!d) return;
    setBusy(true);
    setError('');
    try {
      const now = new Date();
      const input = planInput(d, stops(), here(), date === todayIso() ? now.getHours() * 60 + now.getMinutes() : null);
      const result = input ? await optimise(input) : { stops: [], unassigned: [], totalKm: 0, endMin: 0 };
      setPlan(result);
      // The planned start of each visit, for the lateness check when the rep checks in.
      void savePlannedStarts(date, Object.fromEntries(result.stops.map((s) => [s.id, s.startMin])));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  // Re-plan whenever the day or the stops change.
  createEffect(on([day, stops], () => { if (day()) void reoptimise(); }));

  // The order shown: the rep's own if set, else the optimiser's, then whatever was left out.
  const ordered = createMemo(() => {
    const all = stops().map((s) => s.dealerId);
    const own = edits().order?.filter((id) => all.includes(id));
    const base = own?.length ? own : (plan()?.stops.map((s) => s.id) ?? []);
    return [...base, ...all.filter((id) => !base.includes(id))];
  });
  const timing = (id: string) => plan()?.stops.find((s) => s.id === id);
  const unassigned = (id: string) => plan()?.unassigned.find((u) => u.id === id);

  const update = (next: DayEdits) => { setEdits(next); void saveEdits(date, next); };
  const move = (id: string, by: number) => {
    const list = [...ordered()];
    const i = list.indexOf(id);
    const j = i + by;
    if (j < 0 || j >= list.length) return;
    [list[i], list[j]] = [list[j], list[i]];
    update({ ...edits(), order: list });
  };
  const drop = (id: string) => update({ ...edits(), dropped: [...edits().dropped, id], order: edits().order?.filter((x) => x !== id) ?? null });
  const add = (e: SubmitEvent) => {
    e.preventDefault();
    const d = day();
    const id = addSel.value;
    if (!d || !id) return;
    const back = edits().dropped.filter((x) => x !== id);
    const planned = d.stops.some((s) => s.dealerId === id);
    const added: DayStop[] = planned ? edits().added : [...edits().added, {
      dealerId: id, visitId: makeDocId('visit', { repId: me()!.user.id, dealerId: id }, visitUid(date)),
      reason: 'added', windowStart: null, windowEnd: null, durationMin: 30, visitType: 'routine', priority: 1,
    }];
    update({ ...edits(), dropped: back, added, order: null });
  };
  const locate = async () => {
    setError('');
    try { setHere(await currentPosition()); void reoptimise(); } catch (err) { setError((err as Error).message); }
  };

  const navHref = (id: string) => {
    const d = dealer(id);
    return d?.lat != null ? `https://www.google.com/maps/dir/?api=1&destination=${d.lat},${d.lng}` : undefined;
  };
  const routePoints = () => ordered().flatMap((id) => {
    const d = dealer(id);
    const s = stopOf(id);
    return d?.lat != null && d.lng != null && s && !unassigned(id) ? [{ id, name: d.name, lat: d.lat, lng: d.lng, href: `/field/visits/${encodeURIComponent(s.visitId)}` }] : [];
  });

  return (
    <>
      <h1>Today</h1>
      <p class="hint">{new Date(`${date}T12:00:00`).toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'long' })}
        <Show when={offlineSince()}> · offline, showing the day as last loaded</Show></p>
      <Show when={day.error}><p role="alert">{(day.error as Error).message}</p></Show>
      <Show when={error()}><p role="alert">{error()}</p></Show>
      <Show when={day()}>
        <div class="toolbar">
          <div class="toggle" role="group" aria-label="View">
            <button type="button" aria-pressed={view() === 'list'} onClick={() => setView('list')}>List</button>
            <button type="button" aria-pressed={view() === 'map'} onClick={() => setView('map')}>Map</button>
          </div>
          <button type="button" onClick={locate}>Start from my position</button>
          <button type="button" disabled={busy()} onClick={() => { update({ ...edits(), order: null }); void reoptimise(); }}>Optimise route</button>
        </div>
        <p class="hint" data-testid="day-summary">{stops().length} stops{plan() ? ` · ${plan()!.totalKm.toFixed(1)} km · back at ${hhmm(plan()!.endMin)}` : ''}{edits().order ? ' · your order' : ''}</p>
        <Show when={view() === 'map'}>
          <RouteMap points={routePoints()} me={here()} label="Map of today's route" />
        </Show>
        <ol class="stops" aria-label="Today's stops">
          <For each={ordered()}>{(id, i) => {
            const d = () => dealer(id);
            const s = () => stopOf(id)!;
            const tasks = () => day()!.tasks.filter((t) => t.dealerId === id);
            return (
              <li data-stop={id}>
                <div class="stop-head">
                  <span class="stop-no" aria-hidden="true">{i() + 1}</span>
                  <div>
                    <A href={`/field/visits/${encodeURIComponent(s().visitId)}`}><strong>{d()?.name ?? id}</strong></A>
                    <span class="hint">{d()?.address}{d()?.city ? `, ${d()!.city}` : ''}</span>
                    <span class="hint">
                      <Show when={timing(id)} fallback={<Show when={unassigned(id)}><span class="flag">{REASONS[unassigned(id)!.reason] ?? unassigned(id)!.message}</span></Show>}>
                        Arrive {hhmm(timing(id)!.arrivalMin)}{timing(id)!.waitMin > 0 ? `, start ${hhmm(timing(id)!.startMin)}` : ''} · {s().durationMin} min
                      </Show>
                      {s().windowStart ? ` · open ${s().windowStart}–${s().windowEnd}` : ''}
                      {tasks().length ? ` · ${tasks().length} task${tasks().length === 1 ? '' : 's'}` : ''}
                      {s().reason === 'added' ? ' · added by you' : ''}
                    </span>
                  </div>
                </div>
                <div class="stop-actions">
                  <Show when={navHref(id)}><a href={navHref(id)} target="_blank" rel="noopener">Navigate<span class="visually-hidden"> to {d()?.name}</span></a></Show>
                  <button type="button" onClick={() => move(id, -1)} disabled={i() === 0} aria-label={`Move ${d()?.name} earlier`}>↑</button>
                  <button type="button" onClick={() => move(id, 1)} disabled={i() === ordered().length - 1} aria-label={`Move ${d()?.name} later`}>↓</button>
                  <button type="button" onClick={() => drop(id)} aria-label={`Drop ${d()?.name} from today`}>Drop</button>
                </div>
              </li>
            );
          }}</For>
        </ol>
        <form class="inline-form" onSubmit={add}>
          <label>Add a stop
            <select ref={addSel}>
              <For each={day()!.dealers.filter((x) => !stops().some((s) => s.dealerId === x.id))}>{(x) => <option value={x.id}>{x.name}{x.city ? ` (${x.city})` : ''}</option>}</For>
            </select>
          </label>
          <button type="submit">Add</button>
        </form>
        <Show when={day()!.tasks.length}>
          <h2>Open tasks</h2>
          <ul class="cards">
            <For each={day()!.tasks}>{(t) => <li><strong>{t.title}</strong><span class="hint">{dealer(t.dealerId)?.name} · due {t.dueDate}{t.dueDate < date ? ' (overdue)' : ''}</span></li>}</For>
          </ul>
        </Show>
      </Show>
    </>
  );
}
