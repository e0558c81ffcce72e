import { sql, type SQL } from 'drizzle-orm';
import type { ScopeKind } from '../core/access/roles.ts';

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
