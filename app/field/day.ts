// The rep's day on the phone: the server's plan (cached for offline by the API reader), the
// rep's own changes to it (kept on the device), and the optimised order, computed in a Web
// Worker from core/route so it works with no network.
import type { FieldSettings } from '../../core/field/checkin.ts';
import { minutesOf } from '../../core/field/schedule.ts';
import type { PlanInput, PlanResult } from '../../core/route/plan.ts';
import { get, offlineSince } from '../lib/api.ts';
import { cacheGet, cachePut } from '../lib/cache.ts';

export interface DayDealer { id: string; name: string; address: string | null; city: string | null; lat: number | null; lng: number | null; tier: string; segments: string[] }
export interface DayStop { dealerId: string; visitId: string; reason: string; windowStart: string | null; windowEnd: string | null; durationMin: number; visitType: string; priority: number }
export interface DayTask { id: string; dealerId: string; title: string; details: string; dueDate: string }
export interface Day { date: string; serverTime: string; settings: FieldSettings; stops: DayStop[]; tasks: DayTask[]; dealers: DayDealer[] }
// What the rep changed: stops dropped, stops added, and a hand-made order (null: optimised).
export interface DayEdits { dropped: string[]; added: DayStop[]; order: string[] | null }

export const todayIso = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

const OFFSET_KEY = 'clock:offset';

// Server time minus device time, measured when the day was last loaded online.
export async function clockOffset(): Promise<number | null> {
  return (await cacheGet<number>(OFFSET_KEY))?.value ?? null;
}

export async function loadDay(date: string): Promise<Day> {
  const sent = Date.now();
  const day = await get<Day>(`/api/field/day?date=${date}`);
  const received = Date.now();
  // Only an answer from the network measures the clock (offlineSince is set when get() answered
  // from the device); half the round trip is the best guess of when the server wrote its time.
  if (offlineSince() === null && received - sent < 5000) await cachePut(OFFSET_KEY, Math.round(Date.parse(day.serverTime) - (sent + received) / 2));
  return day;
}

const editsKey = (date: string) => `day:${date}:edits`;
export async function loadEdits(date: string): Promise<DayEdits> {
  return (await cacheGet<DayEdits>(editsKey(date)))?.value ?? { dropped: [], added: [], order: null };
}
export const saveEdits = (date: string, edits: DayEdits) => cachePut(editsKey(date), edits);

const startsKey = (date: string) => `day:${date}:starts`;
export const savePlannedStarts = (date: string, starts: Record<string, number>) => cachePut(startsKey(date), starts);

// When the visit to a dealer was planned to start, as an instant: the phone's local time on that day.
export async function plannedStart(date: string, dealerId: string): Promise<string | null> {
  const min = (await cacheGet<Record<string, number>>(startsKey(date)))?.value?.[dealerId];
  if (min === undefined) return null;
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y, m - 1, d, Math.floor(min / 60), Math.round(min % 60)).toISOString();
}

export function stopsOf(day: Day, edits: DayEdits): DayStop[] {
  const all = [...day.stops, ...edits.added.filter((a) => !day.stops.some((s) => s.dealerId === a.dealerId))];
  return all.filter((s) => !edits.dropped.includes(s.dealerId));
}

let worker: Worker | null = null;
let seq = 0;
export function optimise(input: PlanInput): Promise<PlanResult> {
  worker ??= new Worker(new URL('./optimiser.worker.ts', import.meta.url), { type: 'module' });
  const id = ++seq;
  const w = worker;
  return new Promise((resolve, reject) => {
    const onMessage = (e: MessageEvent<{ id: number; result?: PlanResult; error?: string }>) => {
      if (e.data.id !== id) return;
      w.removeEventListener('message', onMessage);
      if (e.data.error) reject(new Error(e.data.error)); else resolve(e.data.result!);
    };
    w.addEventListener('message', onMessage);
    w.postMessage({ id, input });
  });
}

// The optimiser's input for the day: from the rep's position (or the first stop), a 09:00 start
// unless it is later already, a ten-hour day.
export function planInput(day: Day, stops: DayStop[], from: { lat: number; lng: number } | null, nowMin: number | null): PlanInput | null {
  const located = stops.map((s) => ({ s, d: day.dealers.find((x) => x.id === s.dealerId) })).filter((x) => x.d && x.d.lat !== null && x.d.lng !== null);
  if (!located.length) return null;
  const start = from ?? { lat: located[0].d!.lat!, lng: located[0].d!.lng! };
  const dayStartMin = Math.max(8 * 60, nowMin ?? 0);
  return {
    start, dayStartMin, maxDayMin: Math.max(60, 20 * 60 - dayStartMin),
    stops: located.map(({ s, d }) => {
      const open = minutesOf(s.windowStart);
      const close = minutesOf(s.windowEnd);
      return { id: s.dealerId, lat: d!.lat!, lng: d!.lng!, durationMin: s.durationMin, priority: s.priority, ...(open !== null && close !== null ? { window: { open, close } } : {}) };
    }),
  };
}
