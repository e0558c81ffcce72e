// Which dealers a rep visits on a given day, from the visit plans HQ sets: pure date arithmetic
// on calendar dates (YYYY-MM-DD), so the phone offline, the server and the KPIs agree on what
// was planned without storing every occurrence.
export const FREQUENCIES = ['weekly', 'biweekly', 'monthly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

export interface VisitPlan {
  dealerId: string;
  repId: string;
  frequency: Frequency;
  // ISO weekdays, 1 = Monday … 7 = Sunday; empty: a weekday picked from the dealer id.
  weekdays: number[];
  windowStart: string | null;
  windowEnd: string | null;
  durationMin: number;
  visitType: string;
}

const DAY_MS = 86_400_000;
const utc = (date: string) => Date.parse(`${date}T00:00:00Z`);

export const isoWeekday = (date: string) => ((new Date(utc(date)).getUTCDay() + 6) % 7) + 1;

export function isoWeek(date: string): number {
  const d = new Date(utc(date));
  d.setUTCDate(d.getUTCDate() + 4 - isoWeekday(date));
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  return Math.ceil(((d.getTime() - yearStart) / DAY_MS + 1) / 7);
}

const EPOCH_MONDAY = utc('1970-01-05');
const weeksSinceEpoch = (date: string) => Math.floor((utc(date) - EPOCH_MONDAY) / (7 * DAY_MS));

export const addDays = (date: string, n: number) => new Date(utc(date) + n * DAY_MS).toISOString().slice(0, 10);

// Spreads plans without preferred days over the working week, and biweekly plans over both weeks.
function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function isDue(plan: VisitPlan, date: string): boolean {
  const days = plan.weekdays.length ? plan.weekdays : [(hash(plan.dealerId) % 5) + 1];
  if (!days.includes(isoWeekday(date))) return false;
  switch (plan.frequency) {
    case 'weekly': return true;
    // Weeks counted from a fixed Monday, not ISO week numbers: those restart after week 52 or
    // 53, which would put two visits in consecutive weeks at the turn of some years.
    case 'biweekly': return weeksSinceEpoch(date) % 2 === hash(plan.dealerId) % 2;
    // The first of the preferred weekdays in the month.
    case 'monthly': return Number(date.slice(8, 10)) <= 7;
    default: return false;
  }
}

// Every planned date in [from, to], both inclusive.
export function occurrences(plan: VisitPlan, from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) if (isDue(plan, d)) out.push(d);
  return out;
}

// One visit per rep, dealer and day: its document id is known before anyone is online.
export const visitUid = (date: string) => `d${date.replaceAll('-', '')}`;
export const visitDate = (uid: string) => (/^d\d{8}$/.test(uid) ? `${uid.slice(1, 5)}-${uid.slice(5, 7)}-${uid.slice(7, 9)}` : null);

export const minutesOf = (hhmm: string | null | undefined) => {
  if (!hhmm) return null;
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
};
export const hhmm = (min: number) => `${String(Math.floor(min / 60) % 24).padStart(2, '0')}:${String(Math.round(min % 60)).padStart(2, '0')}`;
