import type { SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { SQLiteAsyncDialect } from 'drizzle-orm/sqlite-core';
import * as schema from '../core/db/schema.ts';

export type Db = ReturnType<typeof makeDb>;

export function makeDb(d1: D1Database) {
  return drizzle(d1, { schema });
}

export const nowIso = () => new Date().toISOString();

export function newId(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `${prefix}_${[...bytes].map((b) => b.toString(36).padStart(2, '0')).join('').slice(0, 20)}`;
}

// D1 runs a batch as one transaction; drizzle types it as a non-empty tuple, which a list
// built at run time cannot prove.
export async function runBatch(db: Db, stmts: unknown[]): Promise<void> {
  if (stmts.length === 0) return;
  await db.batch(stmts as unknown as Parameters<Db['batch']>[0]);
}

const dialect = new SQLiteAsyncDialect();

// Several reads in one D1 round trip: a page and its count cost one call, not two.
export async function readBatch<T extends unknown[]>(db: Db, queries: SQL[]): Promise<{ [K in keyof T]: T[K][] }> {
  const d1 = (db as unknown as { $client: D1Database }).$client;
  const stmts = queries.map((q) => {
    const { sql: text, params } = dialect.sqlToQuery(q);
    return d1.prepare(text).bind(...params);
  });
  const results = await d1.batch(stmts);
  return results.map((r) => r.results) as { [K in keyof T]: T[K][] };
}

// D1 binds at most 100 parameters per query: a long id list is queried in parts (80 ids leave
// room for the query's other parameters) and the rows joined.
export async function inParts<T>(ids: readonly string[], query: (part: string[]) => Promise<T[]>, size = 80): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += size) out.push(...await query(ids.slice(i, i + size)));
  return out;
}
