// Plain values as documents hold them, and the comparisons the write rules make on them.
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

// Key order is not meaning: replicas build the same map in different orders, and a value the
// server puts back need not list its keys as the client did.
export function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return (a ?? null) === (b ?? null);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => same(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => same(a[k], b[k]));
  }
  return false;
}

// ISO-8601 instant as `new Date().toISOString()` writes it (offsets allowed for device clocks).
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
export const isInstant = (v: unknown): v is string => typeof v === 'string' && v.length <= 40 && INSTANT.test(v) && !Number.isNaN(Date.parse(v));
export const isText = (v: unknown, max: number, min = 0): v is string => typeof v === 'string' && v.length >= min && v.length <= max;
export const isNum = (v: unknown, min = -Infinity, max = Infinity): v is number => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
export const isInt = (v: unknown, min = -Infinity, max = Infinity): v is number => isNum(v, min, max) && Number.isInteger(v);
// Keys of collections (line ids, question ids, task ids): no '.' so a violation's path reads plainly.
export const KEY = /^[A-Za-z0-9_:-]{1,80}$/;
export const jsonSize = (v: unknown) => JSON.stringify(v ?? null).length;
