import { sql, type SQL } from 'drizzle-orm';
import { RELATIONS, relationsWith, type Letter, type Relation, type RelationKey, type Resource, type ScopeKind } from '../core/access/index.ts';
import type { Role } from '../core/db/schema.ts';
import type { Db } from './db.ts';

export interface Scope { kind: ScopeKind; userId: string; regionIds: string[]; dealerId: string | null }

// The caller's slice of the network as a SQL condition on a dealers alias, so filtering
// happens in the query (and a count or a page never sees rows outside it).
export function dealerScopeSql(scope: Scope, alias = 'd'): SQL {
  const col = sql.raw(`${alias}.id`);
  switch (scope.kind) {
    case 'all':
      return sql`1 = 1`;
    case 'regions':
      return sql`${sql.raw(`${alias}.region_id`)} in (select region_id from user_regions where user_id = ${scope.userId})`;
    case 'assigned':
      return sql`${col} in (select dealer_id from rep_assignments where rep_id = ${scope.userId})`;
    case 'dealer_tree':
      return sql`${col} in (with recursive tree(id) as (select ${scope.dealerId} union all select c.id from dealers c join tree on c.parent_id = tree.id) select id from tree)`;
    case 'dealer':
      return sql`${col} = ${scope.dealerId}`;
    default:
      return sql`1 = 0`;
  }
}

export interface Who { id: string; dealerId: string | null }

const tree = (dealerId: string) => sql`(with recursive tree(id) as (select ${dealerId} union all select c.id from dealers c join tree on c.parent_id = tree.id) select id from tree)`;

// The condition that a relation of the policy (core/access) holds between a user and the dealer
// row `alias` (and, for 'own', the row `docAlias` whose rep_id names its owner; null when the
// query has no such row, so 'own' never holds).
export function relationSql(rel: Relation, who: Who, alias = 'd', docAlias: string | null = 'doc'): SQL {
  const d = (col: string) => sql.raw(`${alias}.${col}`);
  const mine = who.dealerId ?? '';
  switch (rel) {
    case 'any': return sql`1 = 1`;
    case 'own': return docAlias ? sql`${sql.raw(`${docAlias}.rep_id`)} = ${who.id}` : sql`1 = 0`;
    case 'own_dealer': return sql`${d('id')} = ${mine}`;
    case 'sub_dealer': return who.dealerId ? sql`(${d('id')} <> ${mine} and ${d('id')} in ${tree(mine)})` : sql`1 = 0`;
    // A sub-dealer whose orders the user's dealer runs: the same rule that names the approver.
    case 'network': return who.dealerId ? sql`(${d('parent_id')} = ${mine} and exists (select 1 from dealers p where p.id = ${mine} and p.handles_network_orders = 1 and p.status = 'active'))` : sql`1 = 0`;
    case 'assigned': return sql`${d('id')} in (select dealer_id from rep_assignments where rep_id = ${who.id})`;
    case 'region': return sql`${d('region_id')} in (select region_id from user_regions where user_id = ${who.id})`;
  }
}

// Every dealer relation as a 0/1 column named after it, for one dealer row `d`.
export function dealerRelationsSql(who: Who): SQL {
  const rels = RELATIONS.filter((r) => r !== 'own');
  return sql.join(rels.map((r) => sql`(${relationSql(r, who)}) as ${sql.raw(`"${r}"`)}`), sql`, `);
}

// Rows of one resource a user reaches with a letter: the OR of the relation keys the policy
// grants it under ('own&assigned' needs both).
export function reachSql(role: Role, resource: Resource, letter: Letter, who: Who, alias = 'd', docAlias: string | null = 'doc'): SQL {
  const keys = relationsWith(role, resource, letter);
  if (!keys.length) return sql`1 = 0`;
  const one = (key: RelationKey) => sql.join((key.split('&') as Relation[]).map((r) => sql`(${relationSql(r, who, alias, docAlias)})`), sql` and `);
  return sql`(${sql.join(keys.map(one), sql` or `)})`;
}

// Whether a user reaches one dealer's records of a resource with a letter, by the policy's
// relations for that resource. For routes about one dealer's stock, plans or tasks: the dealer
// scope (who may read the dealer) can be wider than the resource's grant.
export async function reachesDealer(db: Db, role: Role, resource: Resource, letter: Letter, who: Who, dealerId: string): Promise<boolean> {
  const rows = await db.all<{ id: string }>(sql`select d.id from dealers d where d.id = ${dealerId} and ${reachSql(role, resource, letter, who, 'd', null)} limit 1`);
  return rows.length > 0;
}
