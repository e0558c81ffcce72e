import { me } from './session.ts';

export function money(minor: number, currency?: string): string {
  const b = me()?.brand;
  return new Intl.NumberFormat(b?.locale ?? 'en', { style: 'currency', currency: currency ?? b?.currency ?? 'EUR' }).format(minor / 100);
}

export const label = (s: string) => s.replace(/_/g, '-').replace(/^./, (c) => c.toUpperCase());

export function daysUntil(date: string | null): number | null {
  if (!date) return null;
  return Math.round((Date.parse(`${date}T00:00:00Z`) - Date.now()) / 86_400_000);
}

export const timeAgo = (at: number) => new Date(at).toLocaleString(me()?.brand.locale ?? 'en', { dateStyle: 'short', timeStyle: 'short' });
