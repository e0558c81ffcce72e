import { createEffect, createResource, createSignal, For, on, Show } from 'solid-js';
import { ApiError, get, query, send } from '../../lib/api.ts';
import { label } from '../../lib/format.ts';
import { may } from '../../lib/access.ts';
import VisitList from './VisitList.tsx';
import { addDays, DEFAULT_SETTINGS, localDate, loadFieldReps, loadVisits, type FieldSettingsView, type RepOption } from './visits.ts';

interface Plan { dealerId: string; repId: string; repName: string; frequency: 'weekly' | 'biweekly' | 'monthly'; weekdays: number[]; windowStart: string | null; windowEnd: string | null; durationMin: number; visitType: string }
interface Task { id: string; dealerId: string; repId: string; repName: string; title: string; details: string; dueDate: string; status: string; ticketId: string | null }

const FREQUENCIES = [['weekly', 'Weekly'], ['biweekly', 'Every two weeks'], ['monthly', 'Monthly (first week)']] as const;
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const VISIT_TYPES = ['routine', 'training', 'audit', 'merchandising'];

// The server names a field as "weekdays" or, inside it, "weekdays.0".
function fieldError(fields: Record<string, string>, name: string): string | undefined {
  return fields[name] ?? Object.entries(fields).find(([k]) => k.startsWith(`${name}.`))?.[1];
}

function FieldError(props: { id: string; message?: string }) {
  return <Show when={props.message}><span class="field-error" id={props.id}>{props.message}</span></Show>;
}

function planText(p: Plan): string {
  const days = p.weekdays.length ? p.weekdays.map((d) => WEEKDAY_NAMES[d - 1]).join(', ') : 'a weekday chosen for the dealer';
  const window = p.windowStart || p.windowEnd ? `, between ${p.windowStart ?? 'opening'} and ${p.windowEnd ?? 'closing'}` : '';
  return `${FREQUENCIES.find(([v]) => v === p.frequency)?.[1] ?? p.frequency} on ${days}${window}, ${p.durationMin} min, ${label(p.visitType)} — ${p.repName}`;
}

// The field side of the HQ dealer page: the visit history (the last 90 days), the visit plan and
// the dealer's open tasks, with forms for those allowed to plan.
export default function DealerField(props: { dealerId: string; dealerName: string; reps: Array<{ id: string; name: string }>; base: string }) {
  const today = () => localDate(new Date());
  const planner = () => may('field:plan');

  const [visits] = createResource(() => props.dealerId, (dealer) => loadVisits({ from: localDate(addDays(new Date(), -89)), to: today(), dealer }));
  // The organisation's lateness threshold comes with the KPIs; a one-day period is cheap.
  const [settings] = createResource(() => get<{ settings: FieldSettingsView }>(`/api/field/kpis${query({ from: today(), to: today() })}`).then((k) => k.settings).catch(() => DEFAULT_SETTINGS));
  const [plans, { refetch: refetchPlans }] = createResource(() => get<{ items: Plan[] }>('/api/field/plans'));
  const plan = () => plans()?.items.find((p) => p.dealerId === props.dealerId);
  const [tasks, { refetch: refetchTasks }] = createResource(() => props.dealerId, (dealer) => get<{ items: Task[] }>(`/api/field/tasks${query({ dealer, status: 'open' })}`));
  const [allReps] = createResource(() => planner(), () => loadFieldReps().catch(() => [] as RepOption[]));
  // Active field reps, with the dealer's own reps first.
  const repOptions = (): RepOption[] => {
    const all = allReps() ?? [];
    const own = props.reps.filter((r) => !all.length || all.some((a) => a.id === r.id));
    const current = plan() && !all.some((a) => a.id === plan()!.repId) && !own.some((o) => o.id === plan()!.repId) ? [{ id: plan()!.repId, name: plan()!.repName }] : [];
    return [...own, ...current, ...all.filter((a) => !own.some((o) => o.id === a.id))];
  };

  // The plan form, filled from the saved plan once it is known.
  const [repId, setRepId] = createSignal('');
  const [frequency, setFrequency] = createSignal<Plan['frequency']>('weekly');
  const [weekdays, setWeekdays] = createSignal<number[]>([]);
  const [windowStart, setWindowStart] = createSignal('');
  const [windowEnd, setWindowEnd] = createSignal('');
  const [durationMin, setDurationMin] = createSignal('30');
  const [visitType, setVisitType] = createSignal('routine');
  const [planErrors, setPlanErrors] = createSignal<Record<string, string>>({});
  const [planMessage, setPlanMessage] = createSignal<{ ok: boolean; text: string } | null>(null);
  const [savingPlan, setSavingPlan] = createSignal(false);
  createEffect(on(() => plans(), () => {
    const p = plan();
    if (p) {
      setRepId(p.repId); setFrequency(p.frequency); setWeekdays([...p.weekdays]); setWindowStart(p.windowStart ?? ''); setWindowEnd(p.windowEnd ?? '');
      setDurationMin(String(p.durationMin)); setVisitType(p.visitType);
    } else if (!repId() && props.reps[0]) setRepId(props.reps[0].id);
  }));

  async function savePlan(e: SubmitEvent) {
    e.preventDefault();
    setPlanErrors({}); setPlanMessage(null); setSavingPlan(true);
    try {
      await send('PUT', `/api/field/plans/${encodeURIComponent(props.dealerId)}`, {
        repId: repId(), frequency: frequency(), weekdays: [...weekdays()].sort(), windowStart: windowStart() || null, windowEnd: windowEnd() || null,
        durationMin: Number(durationMin()), visitType: visitType(),
      });
      setPlanMessage({ ok: true, text: 'Visit plan saved.' });
      await refetchPlans();
    } catch (err) {
      if (err instanceof ApiError && err.fields) setPlanErrors(err.fields);
      setPlanMessage({ ok: false, text: (err as Error).message });
    } finally {
      setSavingPlan(false);
    }
  }
  const pe = (name: string) => fieldError(planErrors(), name);
  const toggleDay = (d: number, on: boolean) => setWeekdays((ds) => (on ? [...new Set([...ds, d])] : ds.filter((x) => x !== d)));

  // The task form.
  const [title, setTitle] = createSignal('');
  const [details, setDetails] = createSignal('');
  const [dueDate, setDueDate] = createSignal(localDate(addDays(new Date(), 7)));
  const [taskRep, setTaskRep] = createSignal('');
  const [taskErrors, setTaskErrors] = createSignal<Record<string, string>>({});
  const [taskMessage, setTaskMessage] = createSignal<{ ok: boolean; text: string } | null>(null);
  const [savingTask, setSavingTask] = createSignal(false);
  async function createTask(e: SubmitEvent) {
    e.preventDefault();
    setTaskErrors({}); setTaskMessage(null); setSavingTask(true);
    try {
      await send('POST', '/api/field/tasks', { dealerId: props.dealerId, title: title(), details: details(), dueDate: dueDate(), ...(taskRep() ? { repId: taskRep() } : {}) });
      setTaskMessage({ ok: true, text: `Task “${title().trim()}” created.` });
      setTitle(''); setDetails('');
      await refetchTasks();
    } catch (err) {
      if (err instanceof ApiError && err.fields) setTaskErrors(err.fields);
      setTaskMessage({ ok: false, text: (err as Error).message });
    } finally {
      setSavingTask(false);
    }
  }
  const te = (name: string) => fieldError(taskErrors(), name);

  return (
    <>
      <section aria-labelledby="dealer-visits-h" class="dealer-field">
        <h2 id="dealer-visits-h">Visits <small class="hint">last 90 days</small></h2>
        <Show when={visits.error}><p role="alert">{(visits.error as Error).message}</p></Show>
        <Show when={visits()}>
          <VisitList visits={visits()!.items} settings={settings() ?? DEFAULT_SETTINGS} base={props.base} showDealer={false} empty="No visits in the last 90 days." />
        </Show>
      </section>

      <section aria-labelledby="plan-h" class="dealer-field">
        <h2 id="plan-h">Visit plan</h2>
        <Show when={plans.error}><p role="alert">{(plans.error as Error).message}</p></Show>
        <p class="hint" data-testid="plan-summary">{plans.loading && !plans() ? 'Loading…' : plan() ? planText(plan()!) : 'No visit plan yet.'}</p>
        <Show when={planner()}>
          <form class="field-form" onSubmit={savePlan} aria-labelledby="plan-h">
            <label>Rep
              <select name="repId" value={repId()} required onChange={(e) => setRepId(e.currentTarget.value)} aria-invalid={!!pe('repId')} aria-describedby={pe('repId') ? 'plan-repId-err' : undefined}>
                <option value="" disabled>Choose a rep</option>
                <For each={repOptions()}>{(r) => <option value={r.id} selected={r.id === repId()}>{r.name}</option>}</For>
              </select>
              <FieldError id="plan-repId-err" message={pe('repId')} />
            </label>
            <label>Frequency
              <select name="frequency" value={frequency()} onChange={(e) => setFrequency(e.currentTarget.value as Plan['frequency'])} aria-invalid={!!pe('frequency')} aria-describedby={pe('frequency') ? 'plan-frequency-err' : undefined}>
                <For each={FREQUENCIES}>{([v, l]) => <option value={v} selected={v === frequency()}>{l}</option>}</For>
              </select>
              <FieldError id="plan-frequency-err" message={pe('frequency')} />
            </label>
            <fieldset class="weekdays" aria-describedby={pe('weekdays') ? 'plan-weekdays-err' : 'plan-weekdays-hint'}>
              <legend>Weekdays</legend>
              <For each={WEEKDAYS}>{(d, i) => (
                <label class="check"><input type="checkbox" name="weekdays" value={i() + 1} aria-label={WEEKDAY_NAMES[i()]} checked={weekdays().includes(i() + 1)} onChange={(e) => toggleDay(i() + 1, e.currentTarget.checked)} />
                  {d}</label>
              )}</For>
              <span class="hint" id="plan-weekdays-hint">None: a weekday is chosen for the dealer.</span>
              <FieldError id="plan-weekdays-err" message={pe('weekdays')} />
            </fieldset>
            <div class="field-row">
              <label>Window start
                <input type="time" name="windowStart" value={windowStart()} onInput={(e) => setWindowStart(e.currentTarget.value)} aria-invalid={!!pe('windowStart')} aria-describedby={pe('windowStart') ? 'plan-windowStart-err' : undefined} />
                <FieldError id="plan-windowStart-err" message={pe('windowStart')} />
              </label>
              <label>Window end
                <input type="time" name="windowEnd" value={windowEnd()} onInput={(e) => setWindowEnd(e.currentTarget.value)} aria-invalid={!!pe('windowEnd')} aria-describedby={pe('windowEnd') ? 'plan-windowEnd-err' : undefined} />
                <FieldError id="plan-windowEnd-err" message={pe('windowEnd')} />
              </label>
            </div>
            <div class="field-row">
              <label>Duration (minutes)
                <input type="number" name="durationMin" inputmode="numeric" min="5" max="480" step="5" required value={durationMin()} onInput={(e) => setDurationMin(e.currentTarget.value)} aria-invalid={!!pe('durationMin')} aria-describedby={pe('durationMin') ? 'plan-durationMin-err' : undefined} />
                <FieldError id="plan-durationMin-err" message={pe('durationMin')} />
              </label>
              <label>Visit type
                <select name="visitType" value={visitType()} onChange={(e) => setVisitType(e.currentTarget.value)} aria-invalid={!!pe('visitType')} aria-describedby={pe('visitType') ? 'plan-visitType-err' : undefined}>
                  <For each={VISIT_TYPES.includes(visitType()) ? VISIT_TYPES : [...VISIT_TYPES, visitType()]}>{(t) => <option value={t} selected={t === visitType()}>{label(t)}</option>}</For>
                </select>
                <FieldError id="plan-visitType-err" message={pe('visitType')} />
              </label>
            </div>
            <div class="form-actions">
              <button type="submit" disabled={savingPlan()}>{savingPlan() ? 'Saving…' : 'Save visit plan'}</button>
              <span role="status" class={planMessage()?.ok ? 'ok-text' : 'error'}>{planMessage()?.ok ? planMessage()!.text : ''}</span>
            </div>
            <Show when={planMessage() && !planMessage()!.ok}><p role="alert">{planMessage()!.text}</p></Show>
          </form>
        </Show>
      </section>

      <section aria-labelledby="tasks-h" class="dealer-field">
        <h2 id="tasks-h">Open tasks</h2>
        <Show when={tasks.error}><p role="alert">{(tasks.error as Error).message}</p></Show>
        <ul class="plain tasks" aria-busy={tasks.loading}>
          <For each={tasks()?.items} fallback={<li class="hint">{tasks.loading ? 'Loading…' : 'No open tasks.'}</li>}>{(t) => (
            <li data-task={t.id} class={t.dueDate < today() ? 'overdue' : undefined}>
              <strong>{t.title}</strong>
              <span class="hint"> · due <time datetime={t.dueDate}>{t.dueDate}</time>{t.dueDate < today() ? ' (overdue)' : ''} · {t.repName}</span>
              <Show when={t.details}><p>{t.details}</p></Show>
            </li>
          )}</For>
        </ul>
        <Show when={planner()}>
          <h3 id="new-task-h">New task</h3>
          <form class="field-form" onSubmit={createTask} aria-labelledby="new-task-h">
            <label>Title
              <input name="title" required maxLength={200} value={title()} onInput={(e) => setTitle(e.currentTarget.value)} aria-invalid={!!te('title')} aria-describedby={te('title') ? 'task-title-err' : undefined} />
              <FieldError id="task-title-err" message={te('title')} />
            </label>
            <label>Details
              <textarea name="details" rows="3" maxLength={4000} value={details()} onInput={(e) => setDetails(e.currentTarget.value)} aria-invalid={!!te('details')} aria-describedby={te('details') ? 'task-details-err' : undefined} />
              <FieldError id="task-details-err" message={te('details')} />
            </label>
            <div class="field-row">
              <label>Due date
                <input type="date" name="dueDate" required value={dueDate()} onInput={(e) => setDueDate(e.currentTarget.value)} aria-invalid={!!te('dueDate')} aria-describedby={te('dueDate') ? 'task-dueDate-err' : undefined} />
                <FieldError id="task-dueDate-err" message={te('dueDate')} />
              </label>
              <label>Rep
                <select name="repId" value={taskRep()} onChange={(e) => setTaskRep(e.currentTarget.value)} aria-invalid={!!te('repId')} aria-describedby={te('repId') ? 'task-repId-err' : undefined}>
                  <option value="">The dealer's rep</option>
                  <For each={repOptions()}>{(r) => <option value={r.id}>{r.name}</option>}</For>
                </select>
                <FieldError id="task-repId-err" message={te('repId')} />
              </label>
            </div>
            <div class="form-actions">
              <button type="submit" disabled={savingTask()}>{savingTask() ? 'Creating…' : 'Create task'}</button>
              <span role="status" class="ok-text">{taskMessage()?.ok ? taskMessage()!.text : ''}</span>
            </div>
            <Show when={taskMessage() && !taskMessage()!.ok}><p role="alert">{taskMessage()!.text}</p></Show>
          </form>
        </Show>
      </section>
    </>
  );
}
