import { z } from 'zod';

// Ids are opaque, URL-safe and short: anything else is a bad id, answered 404 before any query.
export const idSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'Must be a valid id');

export const pageQuery = {
  page: z.coerce.number().int('Must be a whole number').min(1, 'Must be 1 or more').max(100_000).default(1),
  pageSize: z.coerce.number().int('Must be a whole number').min(1, 'Must be 1 or more').max(200, 'At most 200').default(50),
};

// A list's free-text search. Matched as a plain substring (instr, not LIKE), so % and _ are
// literal and the length is not bound by SQLite's LIKE pattern limit (50 bytes on D1); the cap
// only keeps a query string sane.
export const SEARCH_MAX = 100;
export const searchTerm = z.string().trim().max(SEARCH_MAX, `At most ${SEARCH_MAX} characters`).optional();

export interface Page<T> { items: T[]; total: number; page: number; pageSize: number }
