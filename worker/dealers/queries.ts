import { sql, type SQL } from 'drizzle-orm';
import type { DealerListQuery } from '../../core/validators/dealers.ts';
import { readBatch, type Db } from '../../server/db.ts';
import { dealerScopeSql } from '../../server/scope.ts';
import type { Scope } from '../types.ts';

export interface DealerSummary {
  id: string; code: string; name: string; type: string; tier: string; status: string; segments: string[];
  regionId: string | null; regionName: string | null; territoryId: string | null; city: string | null;
  country: string | null; lat: number | null; lng: number | null; parentId: string | null;
}

const SUMMARY_COLUMNS = sql.raw(`d.id, d.code, d.name, d.type, d.tier, d.status, d.segments, d.region_id as regionId,
  r.name as regionName, d.territory_id as territoryId, d.city, d.country, d.lat, d.lng, d.parent_id as parentId`);

type SummaryRow = Omit<DealerSummary, 'segments'> & { segments: string };

const toSummary = (r: SummaryRow): DealerSummary => ({ ...r, segments: safeJson(r.segments) });

function safeJson(s: string | null): string[] {
  try { return JSON.parse(s ?? '[]'); } catch { return []; }
}

// A list search: the term as a plain substring of any of the columns, ignoring ASCII case as
// LIKE did. instr rather than LIKE: D1 refuses LIKE patterns over 50 bytes, and a term's % and _
// mean themselves.
export function textMatch(term: string, columns: SQL[]): SQL {
  return sql`(${sql.join(columns.map((col) => sql`instr(lower(${col}), lower(${term})) > 0`), sql` or `)})`;
}

export async function listDealers(db: Db, scope: Scope, q: DealerListQuery) {
  const where: SQL[] = [dealerScopeSql(scope)];
  if (q.q) where.push(textMatch(q.q, [sql`d.name`, sql`d.code`, sql`d.city`]));
  if (q.region) where.push(sql`d.region_id = ${q.region}`);
  if (q.tier) where.push(sql`d.tier = ${q.tier}`);
  if (q.type) where.push(sql`d.type = ${q.type}`);
  if (q.parent) where.push(sql`d.parent_id = ${q.parent}`);
  where.push(q.status ? sql`d.status = ${q.status}` : sql`d.status != 'archived'`);
  const cond = sql.join(where, sql` and `);
  const offset = (q.page - 1) * q.pageSize;
  const [rows, count] = await readBatch<[SummaryRow, { n: number }]>(db, [
    sql`select ${SUMMARY_COLUMNS} from dealers d left join regions r on r.id = d.region_id where ${cond} order by d.name, d.id limit ${q.pageSize} offset ${offset}`,
    sql`select count(*) as n from dealers d where ${cond}`,
  ]);
  return { items: rows.map(toSummary), total: count[0]?.n ?? 0, page: q.page, pageSize: q.pageSize };
}

export async function dealerPoints(db: Db, scope: Scope) {
  return db.all<{ id: string; name: string; type: string; tier: string; status: string; lat: number; lng: number }>(
    sql`select d.id, d.name, d.type, d.tier, d.status, d.lat, d.lng from dealers d
        where ${dealerScopeSql(scope)} and d.status != 'archived' and d.lat is not null and d.lng is not null`,
  );
}

export async function inScope(db: Db, scope: Scope, id: string): Promise<boolean> {
  const rows = await db.all<{ id: string }>(sql`select d.id from dealers d where d.id = ${id} and ${dealerScopeSql(scope)} limit 1`);
  return rows.length > 0;
}

export async function summariesWhere(db: Db, cond: SQL, order: SQL = sql`d.name`): Promise<DealerSummary[]> {
  const rows = await db.all<SummaryRow>(sql`select ${SUMMARY_COLUMNS} from dealers d left join regions r on r.id = d.region_id where ${cond} order by ${order}`);
  return rows.map(toSummary);
}

// Root first: the maker, then the distributor, up to the dealer's direct parent.
export async function parentChain(db: Db, id: string): Promise<DealerSummary[]> {
  const rows = await db.all<SummaryRow & { depth: number }>(sql`
    with recursive up(id, depth) as (
      select parent_id, 1 from dealers where id = ${id} and parent_id is not null
      union all select p.parent_id, up.depth + 1 from dealers p join up on p.id = up.id where p.parent_id is not null and up.depth < 10
    )
    select ${SUMMARY_COLUMNS}, up.depth from up join dealers d on d.id = up.id left join regions r on r.id = d.region_id order by up.depth desc`);
  return rows.map(({ depth: _depth, ...r }) => toSummary(r));
}
