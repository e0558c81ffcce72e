import { drizzle } from 'drizzle-orm/d1';
import * as schema from '../../core/db/schema.ts';

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
