import { useSearchParams } from '@solidjs/router';
import { createMemo, createResource, createSignal, For, Show } from 'solid-js';
import VisitList from '../../components/field/VisitList.tsx';
import { addDays, DEFAULT_SETTINGS, distance, flagsOf, localDate, loadFieldReps, loadVisits, minutes, percent, when, type FieldSettingsView } from '../../components/field/visits.ts';
import VisitMap from '../../components/map/VisitMap.tsx';
import type { VisitPoint } from '../../components/map/visit-map.ts';
import Shell from '../../components/Shell.tsx';
import { get, query } from '../../lib/api.ts';

interface Kpi {
  planned: number; plannedToDate: number; done: number; missed: number; late: number;
  coverage: number | null; avgDurationMin: number | null; onTimeRate: number | null; outOfRadiusRate: number | null; taskCompletion: number | null;
}
interface RepKpi extends Kpi { repId: string; repName: string; visitedDealers: number; assignedDealers: number; tasksDue: number; tasksDone: number; avgResolveHours: number | null }
interface Kpis { period: { from: string; to: string }; settings: FieldSettingsView; totals: Kpi; reps: RepKpi[] }

const ranges = {
  week: () => { const t = new Date(); const monday = addDays(t, -((t.getDay() + 6) % 7)); return { from: localDate(monday), to: localDate(addDays(monday, 6)) }; },
  last7: () => ({ from: localDate(addDays(new Date(), -6)), to: localDate(new Date()) }),
  last30: () => ({ from: localDate(addDays(new Date(), -29)), to: localDate(new Date()) }),
};

// Field work as HQ sees it: KPIs for a period (total and per rep) and the visits behind them,
// as a list or on a map. Filters live in the URL so a view can be bookmarked and shared.
export default function HqField() {
  return <Shell face="hq" need="field:read"><HqFieldContent /></Shell>;
}

function HqFieldContent() {
  const [params, setParams] = useSearchParams<{ from?: string; to?: string; rep?: string; region?: string; visitsRep?: string; view?: string }>();
  const from = () => params.from ?? ranges.last7().from;
  const to = () => params.to ?? ranges.last7().to;
  const validPeriod = () => /^\d{4}-\d{2}-\d{2}$/.test(from()) && /^\d{4}-\d{2}-\d{2}$/.test(to()) && from() <= to();
  const visitsRep = () => params.visitsRep || params.rep || undefined;
  const [onlyFlagged, setOnlyFlagged] = createSignal(false);

  const [regions] = createResource(() => get<{ items: Array<{ id: string; name: string }> }>('/api/regions'));
  const [reps] = createResource(() => loadFieldReps().catch(() => []));
  const [kpis] = createResource(
    () => (validPeriod() ? { from: from(), to: to(), rep: params.rep, region: params.region } : false),
    (p) => get<Kpis>(`/api/field/kpis${query(p)}`),
  );
  const [visits] = createResource(
    () => (validPeriod() ? { from: from(), to: to(), rep: visitsRep(), region: params.region } : false),
    (p) => loadVisits(p),
  );
  const settings = () => kpis()?.settings ?? DEFAULT_SETTINGS;
  const shown = createMemo(() => (visits()?.items ?? []).filter((v) => !onlyFlagged() || flagsOf(v, settings()).length));
  const flaggedCount = () => (visits()?.items ?? []).filter((v) => flagsOf(v, settings()).length).length;
  const repName = (id: string) => kpis()?.reps.find((r) => r.repId === id)?.repName ?? reps()?.find((r) => r.id === id)?.name ?? id;
  const points = createMemo<VisitPoint[]>(() => shown().filter((v) => v.lat !== null && v.lng !== null).map((v) => {
    const f = flagsOf(v, settings());
    return {
      id: v.id, dealerName: v.dealerName, href: `/hq/dealers/${v.dealerId}`, repName: v.repName ?? 'Unknown rep', at: when(v.checkInAt),
      lat: v.lat!, lng: v.lng!, dealerLat: v.dealerLat, dealerLng: v.dealerLng,
      state: f.includes('out-of-radius') ? 'bad' : f.length ? 'warn' : 'ok',
      detail: f.includes('out-of-radius') ? `${distance(v.distanceM)} away — ${v.reason || 'no reason given'}` : f.includes('late') ? `${minutes(v.lateMin)} late` : '',
    };
  }));

  const set = (next: Record<string, string | undefined>) => setParams(next);
  const setRange = (r: { from: string; to: string }) => set({ from: r.from, to: r.to });
  const isRange = (r: { from: string; to: string }) => from() === r.from && to() === r.to;

  return (
    <>
      <h1>Field work</h1>
      <form class="filters field-filters" role="search" aria-label="Field filters" onSubmit={(e) => e.preventDefault()}>
        <label>From<input type="date" value={from()} max={to()} onChange={(e) => set({ from: e.currentTarget.value || undefined })} /></label>
        <label>To<input type="date" value={to()} min={from()} onChange={(e) => set({ to: e.currentTarget.value || undefined })} /></label>
        <label>Rep<select value={params.rep ?? ''} onChange={(e) => set({ rep: e.currentTarget.value || undefined, visitsRep: undefined })}>
          <option value="">All reps</option>
          <For each={reps()}>{(r) => <option value={r.id}>{r.name}</option>}</For>
        </select></label>
        <label>Region<select value={params.region ?? ''} onChange={(e) => set({ region: e.currentTarget.value || undefined })}>
          <option value="">All regions</option>
          <For each={regions()?.items}>{(r) => <option value={r.id}>{r.name}</option>}</For>
        </select></label>
      </form>
      <div class="quick-range" role="group" aria-label="Period">
        <button type="button" aria-pressed={isRange(ranges.last7())} onClick={() => setRange(ranges.last7())}>Last 7 days</button>
        <button type="button" aria-pressed={isRange(ranges.week())} onClick={() => setRange(ranges.week())}>This week</button>
        <button type="button" aria-pressed={isRange(ranges.last30())} onClick={() => setRange(ranges.last30())}>Last 30 days</button>
      </div>
      <Show when={!validPeriod()}><p role="alert">The period must end on or after the day it starts.</p></Show>

      <section aria-labelledby="kpi-h">
        <h2 id="kpi-h">Totals</h2>
        <Show when={kpis.error}><p role="alert">{(kpis.error as Error).message}</p></Show>
        <Show when={kpis()}>{(k) => (
          <dl class="kpis" aria-busy={kpis.loading}>
            <div><dt>Visits done</dt><dd><span data-testid="kpi-done">{k().totals.done}</span></dd></div>
            <div><dt>Planned to date</dt><dd><span data-testid="kpi-planned">{k().totals.plannedToDate}</span><small> of {k().totals.planned} in period</small></dd></div>
            <div><dt>Missed</dt><dd><span data-testid="kpi-missed">{k().totals.missed}</span></dd></div>
            <div><dt>Coverage</dt><dd><span data-testid="kpi-coverage">{percent(k().totals.coverage)}</span></dd></div>
            <div><dt>Average visit</dt><dd><span data-testid="kpi-avg-length">{minutes(k().totals.avgDurationMin)}</span></dd></div>
            <div><dt>On time</dt><dd><span data-testid="kpi-on-time">{percent(k().totals.onTimeRate)}</span></dd></div>
            <div><dt>Out of radius</dt><dd><span data-testid="kpi-out-of-radius">{percent(k().totals.outOfRadiusRate)}</span></dd></div>
            <div><dt>Tasks done</dt><dd><span data-testid="kpi-task-completion">{percent(k().totals.taskCompletion)}</span></dd></div>
          </dl>
        )}</Show>
      </section>

      <section aria-labelledby="reps-h">
        <h2 id="reps-h">By rep</h2>
        <Show when={kpis()}>{(k) => (
          <div class="table-wrap">
            <table class="rep-kpis">
              <caption>Field KPIs per rep, {k().period.from} to {k().period.to}. Choose a rep to see their visits below.</caption>
              <thead><tr>
                <th scope="col">Rep</th><th scope="col">Done</th><th scope="col">Planned to date</th><th scope="col">Missed</th><th scope="col">Coverage</th>
                <th scope="col">Avg. visit</th><th scope="col">On time</th><th scope="col">Out of radius</th><th scope="col">Tasks done</th>
              </tr></thead>
              <tbody>
                <For each={k().reps} fallback={<tr><td colSpan={9}>No field activity in this period.</td></tr>}>{(r) => (
                  <tr data-rep={r.repId} classList={{ selected: params.visitsRep === r.repId }}>
                    <th scope="row">
                      <button type="button" class="link" aria-pressed={params.visitsRep === r.repId}
                        onClick={() => set({ visitsRep: params.visitsRep === r.repId ? undefined : r.repId })}>{r.repName}</button>
                    </th>
                    <td>{r.done}</td><td>{r.plannedToDate}</td><td>{r.missed}</td>
                    <td>{percent(r.coverage)} <small class="hint">({r.visitedDealers}/{r.assignedDealers})</small></td>
                    <td>{minutes(r.avgDurationMin)}</td><td>{percent(r.onTimeRate)}</td><td>{percent(r.outOfRadiusRate)}</td>
                    <td>{percent(r.taskCompletion)} <small class="hint">({r.tasksDone}/{r.tasksDue})</small></td>
                  </tr>
                )}</For>
              </tbody>
            </table>
          </div>
        )}</Show>
      </section>

      <section aria-labelledby="visits-h">
        <h2 id="visits-h">Visits{visitsRep() ? ` by ${repName(visitsRep()!)}` : ''}</h2>
        <div class="visit-tools">
          <div class="toggle" role="group" aria-label="View">
            <button type="button" aria-pressed={params.view !== 'map'} onClick={() => set({ view: undefined })}>List</button>
            <button type="button" aria-pressed={params.view === 'map'} onClick={() => set({ view: 'map' })}>Map</button>
          </div>
          <label class="check"><input type="checkbox" checked={onlyFlagged()} onChange={(e) => setOnlyFlagged(e.currentTarget.checked)} /> Only flagged</label>
          <Show when={params.visitsRep}>
            <button type="button" onClick={() => set({ visitsRep: undefined })}>Show all reps</button>
          </Show>
        </div>
        <Show when={visits.error}><p role="alert">{(visits.error as Error).message}</p></Show>
        <Show when={visits()}>
          <p class="hint" aria-live="polite">
            {visits()!.items.length} visit{visits()!.items.length === 1 ? '' : 's'}, {flaggedCount()} flagged
            {visits()!.items.length >= 500 ? ' (the latest 500; narrow the period to see more)' : ''}
          </p>
          <Show when={params.view === 'map'} fallback={<VisitList visits={shown()} settings={settings()} base="/hq" />}>
            <VisitMap points={points()} label="Map of visit check-ins" />
          </Show>
        </Show>
      </section>
    </>
  );
}
