// Shared by the HQ field page and the HQ dealer page: the visit rows GET /api/field/visits
// answers, how a visit is flagged, and how its times and answers read.
import { CLOCK_SKEW_LIMIT_MS } from '../../../core/field/checkin.ts';
import { get, query } from '../../lib/api.ts';
import { may } from '../../lib/access.ts';
import { me } from '../../lib/session.ts';

export interface FieldVisit {
  id: string; repId: string | null; repName: string | null; dealerId: string; dealerName: string;
  dealerLat: number | null; dealerLng: number | null; status: string; visitType?: string | null;
  plannedStart: string | null; checkInAt: string | null; checkOutAt: string | null;
  lat: number | null; lng: number | null; accuracyM: number | null; distanceM: number | null;
  verified: boolean; reason: string | null; clockSkewMs: number | null; durationMin: number | null; lateMin: number | null;
  notes: string | null; photoCount: number | null;
  photos: Array<{ sha256: string; questionId: string | null }>;
  answers: Array<{ formId: string; formVersion: number; questionId: string; value: unknown }>;
}

export interface FieldSettingsView { radiusM: number; maxAccuracyM: number; lateAfterMin: number }
export const DEFAULT_SETTINGS: FieldSettingsView = { radiusM: 150, maxAccuracyM: 100, lateAfterMin: 15 };

export type Flag = 'out-of-radius' | 'late' | 'clock-skew';

// A visit that was checked in but not verified is out of radius (or the fix was too vague).
export function flagsOf(v: FieldVisit, s: FieldSettingsView): Flag[] {
  const out: Flag[] = [];
  if (v.checkInAt && !v.verified) out.push('out-of-radius');
  if (v.lateMin !== null && v.lateMin > s.lateAfterMin) out.push('late');
  if (typeof v.clockSkewMs === 'number' && Math.abs(v.clockSkewMs) > CLOCK_SKEW_LIMIT_MS) out.push('clock-skew');
  return out;
}

export const localDate = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
export const addDays = (d: Date, n: number) => { const x = new Date(d); x.setDate(x.getDate() + n); return x; };

export function when(iso: string | null): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(me()?.brand.locale ?? 'en', { dateStyle: 'medium', timeStyle: 'short' });
}

export const distance = (m: number | null) => (m === null ? 'unknown distance' : m >= 1000 ? `${(m / 1000).toFixed(1)} km` : `${Math.round(m)} m`);
export const minutes = (n: number | null) => (n === null ? '—' : n >= 60 ? `${Math.floor(n / 60)} h ${Math.round(n % 60)} min` : `${Math.round(n)} min`);
export const percent = (r: number | null) => (r === null ? '—' : `${Math.round(r * 100)} %`);

// One answer in a few words: lists joined, shelf audits summed up, signatures not spelled out.
export function answerText(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') {
    if (value.startsWith('data:image/')) return 'signed';
    return value.length > 120 ? `${value.slice(0, 117)}…` : value;
  }
  if (Array.isArray(value)) {
    if (value.every((x) => typeof x === 'string' && /^[0-9a-f]{64}$/.test(x))) return `${value.length} photo${value.length === 1 ? '' : 's'}`;
    return value.map((x) => answerText(x)).join(', ');
  }
  if (typeof value === 'object') {
    const rows = Object.values(value as Record<string, unknown>);
    if (rows.every((r) => r && typeof r === 'object' && 'present' in (r as object))) {
      const shelf = rows as Array<{ present?: boolean; outOfStock?: boolean }>;
      return `${shelf.filter((r) => r.present).length} of ${shelf.length} products on the shelf${shelf.some((r) => r.outOfStock) ? `, ${shelf.filter((r) => r.outOfStock).length} out of stock` : ''}`;
    }
    const text = JSON.stringify(value);
    return text.length > 120 ? `${text.slice(0, 117)}…` : text;
  }
  return String(value);
}

// Question ids read as labels ("display_ok" → "Display ok").
export const questionLabel = (id: string) => id.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

export function loadVisits(p: { from: string; to: string; rep?: string; region?: string; dealer?: string }) {
  return get<{ items: FieldVisit[] }>(`/api/field/visits${query(p)}`);
}

export interface RepOption { id: string; name: string }

// Active field reps to choose from. /api/users needs 'users:read'; a regional manager does
// not have it and gets the reps of the visit plans in scope instead.
export async function loadFieldReps(): Promise<RepOption[]> {
  if (may('users:read')) {
    const out: RepOption[] = [];
    for (let page = 1; page <= 20; page++) {
      const res = await get<{ items: Array<{ id: string; name: string; status: string }>; total: number }>(`/api/users${query({ role: 'field_rep', pageSize: 200, page })}`);
      out.push(...res.items.filter((u) => u.status === 'active').map((u) => ({ id: u.id, name: u.name })));
      if (page * 200 >= res.total) break;
    }
    return out;
  }
  const plans = await get<{ items: Array<{ repId: string; repName: string }> }>('/api/field/plans');
  const seen = new Map<string, string>();
  for (const p of plans.items) seen.set(p.repId, p.repName);
  return [...seen].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
}
