import { describe, expect, it } from 'vitest';
import { can, faceOf, PERMISSIONS, ROLE_TABLE, scopeOf } from '../../core/auth/roles.ts';
import { ROLES } from '../../core/db/schema.ts';

describe('the role table', () => {
  it('has a rule for every role and only known permissions', () => {
    expect(Object.keys(ROLE_TABLE).sort()).toEqual([...ROLES].sort());
    for (const rule of Object.values(ROLE_TABLE)) for (const p of rule.permissions) expect(PERMISSIONS).toContain(p);
  });

  it('denies by default', () => {
    expect(can('supplier', 'dealers:read')).toBe(false);
    expect(can('nobody' as never, 'session')).toBe(false);
  });

  it('follows DESIGN.md §4', () => {
    expect(PERMISSIONS.every((p) => can('hq_admin', p))).toBe(true);
    expect(ROLE_TABLE.analyst.readOnly).toBe(true);
    expect(ROLE_TABLE.analyst.permissions.some((p) => p.endsWith(':write') || p.endsWith(':manage'))).toBe(false);
    expect(can('regional_manager', 'dealers:write')).toBe(true);
    expect(can('regional_manager', 'users:manage')).toBe(false);
    expect(can('field_rep', 'dealers:write')).toBe(false);
    expect(can('dealer_admin', 'dealers:profile')).toBe(true);
    expect(can('dealer_staff', 'dealers:profile')).toBe(false);
    expect([scopeOf('regional_manager'), scopeOf('field_rep'), scopeOf('dealer_admin'), scopeOf('dealer_staff'), scopeOf('supplier')])
      .toEqual(['regions', 'assigned', 'dealer_tree', 'dealer', 'none']);
  });

  it('sends every role to its face', () => {
    expect(ROLES.map(faceOf)).toEqual(['hq', 'hq', 'hq', 'field', 'portal', 'portal', 'supplier']);
  });
});
