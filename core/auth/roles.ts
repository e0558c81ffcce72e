// The role table (DESIGN.md §4): what each role may do and which slice of the network it sees.
// Deny by default: a permission not listed for a role is refused. The UI reads the same table
// only to hide what the server would refuse anyway.
import type { Role } from '../db/schema.ts';

export const PERMISSIONS = [
  'session',          // signed in at all: /api/me
  'dealers:read',
  'dealers:write',    // create, update, archive within scope
  'dealers:profile',  // a dealer's own contact fields
  'products:read',
  'regions:read',
  'users:read',
  'users:manage',
  'audit:read',
  'field:plan',       // visit plans and tasks for reps
  'field:read',       // field KPIs, visit lists and maps
  'field:work',       // a rep's own day: plans, check-ins, tasks done
  'forms:manage',     // build and version visit forms, assign them
  'forms:read',       // the forms a visit needs
  'photos:upload',
  'photos:read',
  'orders:approve',   // decide orders waiting for approval at one's level
  'orders:rules',     // set the approval rules
  'home:manage',      // announcements and documents for dealers
  'tickets:manage',   // route support tickets to a rep or the HQ queue
  'integrations:manage', // API keys for outside systems (ERP shipments and later integrations)
  'stock:report',     // report a dealer's channel stock (its own users, or its rep in an audit)
  'stock:read',       // channel stock and low-stock alerts within scope
] as const;
export type Permission = (typeof PERMISSIONS)[number];

// all: every dealer; regions: dealers in the user's regions; assigned: the rep's dealers;
// dealer_tree: own dealer and everything below it; dealer: own dealer only; none: nothing.
export type ScopeKind = 'all' | 'regions' | 'assigned' | 'dealer_tree' | 'dealer' | 'none';

export interface RoleRule { scope: ScopeKind; permissions: readonly Permission[]; readOnly: boolean }

export const ROLE_TABLE: Record<Role, RoleRule> = {
  hq_admin: { scope: 'all', permissions: PERMISSIONS, readOnly: false },
  regional_manager: { scope: 'regions', permissions: ['session', 'dealers:read', 'dealers:write', 'products:read', 'regions:read', 'field:plan', 'field:read', 'forms:read', 'photos:upload', 'photos:read', 'orders:approve', 'tickets:manage', 'stock:read'], readOnly: false },
  analyst: { scope: 'all', permissions: ['session', 'dealers:read', 'products:read', 'regions:read', 'users:read', 'audit:read', 'field:read', 'forms:read', 'photos:read', 'stock:read'], readOnly: true },
  field_rep: { scope: 'assigned', permissions: ['session', 'dealers:read', 'products:read', 'regions:read', 'field:work', 'forms:read', 'photos:upload', 'photos:read', 'stock:report', 'stock:read'], readOnly: false },
  dealer_admin: { scope: 'dealer_tree', permissions: ['session', 'dealers:read', 'dealers:profile', 'products:read', 'regions:read', 'orders:approve', 'photos:upload', 'photos:read', 'stock:report', 'stock:read'], readOnly: false },
  dealer_staff: { scope: 'dealer', permissions: ['session', 'dealers:read', 'products:read', 'regions:read', 'photos:upload', 'photos:read', 'stock:report', 'stock:read'], readOnly: false },
  supplier: { scope: 'none', permissions: ['session'], readOnly: false },
};

export function can(role: Role, permission: Permission): boolean {
  return ROLE_TABLE[role]?.permissions.includes(permission) ?? false;
}

export function scopeOf(role: Role): ScopeKind {
  return ROLE_TABLE[role]?.scope ?? 'none';
}

export function permissionsOf(role: Role): Permission[] {
  return [...(ROLE_TABLE[role]?.permissions ?? [])];
}

// Which face of the app a role lands on.
export function faceOf(role: Role): 'hq' | 'field' | 'portal' | 'supplier' {
  switch (role) {
    case 'hq_admin': case 'regional_manager': case 'analyst': return 'hq';
    case 'field_rep': return 'field';
    case 'dealer_admin': case 'dealer_staff': return 'portal';
    default: return 'supplier';
  }
}
