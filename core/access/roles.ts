// Everything a role may do, read off the policy table. Routes name a permission; a permission
// is a letter on a resource (at some relation), so `can` and the UI's allowedActions agree with
// the room and the scope SQL by construction.
import type { Role } from '../db/schema.ts';
import { POLICY, RELATIONS, type Letter, type Relation, type RelationKey, type Resource } from './policy.ts';

export interface PermissionSpec { resource: Resource; letter: Letter; at?: readonly Relation[] }

export const PERMISSION_SPECS = {
  session: { resource: 'session', letter: 'R' },
  'dealers:read': { resource: 'dealer', letter: 'R' },
  'dealers:write': { resource: 'dealer', letter: 'C' },          // create, update, archive within scope
  'dealers:profile': { resource: 'dealer', letter: 'W', at: ['own_dealer'] }, // a dealer's own contact fields
  'products:read': { resource: 'catalog', letter: 'R' },
  'regions:read': { resource: 'regions', letter: 'R' },
  'users:read': { resource: 'users', letter: 'R' },
  'users:manage': { resource: 'users', letter: 'C' },
  'audit:read': { resource: 'audit', letter: 'R' },
  'field:plan': { resource: 'field_plan', letter: 'W' },
  'field:read': { resource: 'field_report', letter: 'R' },
  'field:work': { resource: 'field_day', letter: 'W' },
  'forms:manage': { resource: 'form_definition', letter: 'W' },
  'forms:read': { resource: 'form_definition', letter: 'R' },
  'photos:upload': { resource: 'photo', letter: 'C' },
  'photos:read': { resource: 'photo', letter: 'R' },
  'orders:approve': { resource: 'order', letter: 'D' },
  'orders:rules': { resource: 'approval_rules', letter: 'W' },
  'orders:rules:read': { resource: 'approval_rules', letter: 'R' },
  'home:manage': { resource: 'home_content', letter: 'W' },
  'home:read': { resource: 'home_content', letter: 'R' },
  'home:read:all': { resource: 'home_content', letter: 'R', at: ['any'] },
  'tickets:read': { resource: 'ticket', letter: 'R' },
  'tickets:manage': { resource: 'ticket', letter: 'D' },
  'integrations:manage': { resource: 'integrations', letter: 'W' },
  'stock:report': { resource: 'stock', letter: 'C' },
  'stock:read': { resource: 'stock', letter: 'R' },
} as const satisfies Record<string, PermissionSpec>;
export type Permission = keyof typeof PERMISSION_SPECS;
export const PERMISSIONS = Object.keys(PERMISSION_SPECS) as Permission[];

const keyParts = (key: RelationKey) => key.split('&') as Relation[];

// The relation keys under which a role holds a letter on a resource.
export function relationsWith(role: Role, resource: Resource, letter: Letter): RelationKey[] {
  const grant = POLICY[resource]?.[role] ?? {};
  return (Object.entries(grant) as Array<[RelationKey, string]>).filter(([, letters]) => letters.includes(letter)).map(([k]) => k);
}

// The letters a role holds on one record, given which relations hold between user and record.
export function reachOf(role: Role, resource: Resource, holds: (r: Relation) => boolean): string {
  const grant = POLICY[resource]?.[role] ?? {};
  let out = '';
  for (const [key, letters] of Object.entries(grant) as Array<[RelationKey, string]>) {
    if (keyParts(key).every((r) => r === 'any' || holds(r))) for (const l of letters) if (!out.includes(l)) out += l;
  }
  return out;
}

export function allows(role: Role, resource: Resource, letter: Letter, at?: readonly Relation[]): boolean {
  return relationsWith(role, resource, letter).some((k) => !at || keyParts(k).every((r) => at.includes(r)));
}

export function can(role: Role, permission: Permission): boolean {
  const spec: PermissionSpec | undefined = PERMISSION_SPECS[permission];
  return !!spec && !!POLICY[spec.resource]?.[role] && allows(role, spec.resource, spec.letter, spec.at);
}

export function permissionsOf(role: Role): Permission[] {
  return PERMISSIONS.filter((p) => can(role, p));
}

// What the UI may offer: per resource, the letters the role holds at some relation.
export function allowedActions(role: Role): Partial<Record<Resource, string>> {
  const out: Partial<Record<Resource, string>> = {};
  for (const [resource, byRole] of Object.entries(POLICY) as Array<[Resource, (typeof POLICY)[Resource]]>) {
    const letters = [...new Set(Object.values(byRole[role] ?? {}).join(''))].join('');
    if (letters) out[resource] = letters;
  }
  return out;
}

// all: every dealer; regions: dealers in the user's regions; assigned: the rep's dealers;
// dealer_tree: own dealer and everything below it; dealer: own dealer only; none: nothing.
// The slice of the network a role sees, read off its dealer grant.
export type ScopeKind = 'all' | 'regions' | 'assigned' | 'dealer_tree' | 'dealer' | 'none';
export function scopeOf(role: Role): ScopeKind {
  const rel = new Set(relationsWith(role, 'dealer', 'R').flatMap(keyParts));
  if (rel.has('any')) return 'all';
  if (rel.has('region')) return 'regions';
  if (rel.has('assigned')) return 'assigned';
  if (rel.has('sub_dealer')) return 'dealer_tree';
  if (rel.has('own_dealer')) return 'dealer';
  return 'none';
}

export { RELATIONS };

// Which face of the app a role lands on.
export function faceOf(role: Role): 'hq' | 'field' | 'portal' | 'supplier' {
  switch (role) {
    case 'hq_admin': case 'regional_manager': case 'analyst': return 'hq';
    case 'field_rep': return 'field';
    case 'dealer_admin': case 'dealer_staff': return 'portal';
    default: return 'supplier';
  }
}
