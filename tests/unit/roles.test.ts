import { describe, expect, it } from 'vitest';
import { can, faceOf, PERMISSIONS, permissionsOf, scopeOf } from '../../core/access/index.ts';
import { ROLES } from '../../core/db/schema.ts';

describe('permissions read off the policy', () => {
  it('denies by default', () => {
    expect(can('supplier', 'dealers:read')).toBe(false);
    expect(can('nobody' as never, 'session')).toBe(false);
    expect(can('hq_admin', 'no:such' as never)).toBe(false);
  });

  it('gives each role what DESIGN.md §4 says (written out here, not derived)', () => {
    const expected: Record<string, string[]> = {
      analyst: ['session', 'dealers:read', 'products:read', 'regions:read', 'users:read', 'audit:read', 'field:read', 'forms:read', 'photos:read', 'stock:read', 'home:read', 'home:read:all', 'tickets:read'],
      field_rep: ['session', 'dealers:read', 'products:read', 'regions:read', 'field:work', 'forms:read', 'photos:upload', 'photos:read', 'stock:report', 'stock:read', 'home:read', 'tickets:read'],
      dealer_staff: ['session', 'dealers:read', 'products:read', 'regions:read', 'photos:upload', 'photos:read', 'stock:report', 'stock:read', 'home:read', 'tickets:read'],
      supplier: ['session'],
    };
    for (const [role, perms] of Object.entries(expected)) expect(permissionsOf(role as never).sort(), role).toEqual([...perms].sort());
    expect(can('regional_manager', 'dealers:write')).toBe(true);
    expect(can('regional_manager', 'users:manage')).toBe(false);
    expect(can('field_rep', 'dealers:write')).toBe(false);
    expect(can('dealer_admin', 'dealers:profile')).toBe(true);
    expect(can('dealer_admin', 'orders:approve')).toBe(true);
    expect(can('dealer_staff', 'dealers:profile')).toBe(false);
    expect(PERMISSIONS.filter((p) => !can('hq_admin', p)).sort()).toEqual(['dealers:profile', 'field:work', 'stock:report']);
    expect([scopeOf('hq_admin'), scopeOf('regional_manager'), scopeOf('field_rep'), scopeOf('dealer_admin'), scopeOf('dealer_staff'), scopeOf('supplier')])
      .toEqual(['all', 'regions', 'assigned', 'dealer_tree', 'dealer', 'none']);
  });

  it('sends every role to its face', () => {
    expect(ROLES.map(faceOf)).toEqual(['hq', 'hq', 'hq', 'field', 'portal', 'portal', 'supplier']);
  });
});
