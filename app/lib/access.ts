// What the signed-in user may do, as the UI asks it. Every answer comes from the access policy
// (core/access): the permissions and allowed actions in the user's /api/me (the device's copy
// when offline), or the policy table itself for a question about a relation. No role names here.
import { allowedActions, allows, faceOf, PERMISSION_SPECS, type Letter, type Permission, type Relation, type Resource } from '../../core/access/index.ts';
import type { Role } from '../../core/db/schema.ts';
import { me } from './session.ts';

export type Face = ReturnType<typeof faceOf>;

// What a page or a link needs: a permission ('orders:approve'), or a letter on a resource
// ('ticket:C': the role holds C on tickets at some relation).
export type Need = Permission | `${Resource}:${Letter}`;

// The face a role lands on and its home page.
export { faceOf };
export const homeOf = (role: Role): string => `/${faceOf(role)}`;
export const myFace = (): Face | undefined => { const m = me(); return m ? faceOf(m.user.role) : undefined; };
export const myHome = (): string => { const m = me(); return m ? homeOf(m.user.role) : '/login'; };

export function may(permission: Permission): boolean {
  return me()?.permissions.includes(permission) ?? false;
}

// Whether the user holds a letter on a resource at some relation (the Worker and the room
// decide which records).
export function allowed(resource: Resource, letter: Letter): boolean {
  const m = me();
  if (!m) return false;
  // A copy of /api/me cached before it carried allowedActions reads them off the policy.
  const actions = m.allowedActions ?? allowedActions(m.user.role);
  return actions[resource]?.includes(letter) ?? false;
}

export function meets(need: Need): boolean {
  if (Object.hasOwn(PERMISSION_SPECS, need)) return may(need as Permission);
  const [resource, letter] = need.split(':') as [Resource, Letter];
  return allowed(resource, letter);
}

// Whether a role holds a letter on a resource at one of the given relations: a question about
// how the role stands to a record, not only whether it holds the letter somewhere.
export function holdsAt(role: string | undefined, resource: Resource, letter: Letter, at: readonly Relation[]): boolean {
  return !!role && allows(role as Role, resource, letter, at);
}

// The dealer's side of a support ticket: those who open tickets for their own dealer.
// Works for the author of a message as for the viewer (a message's role may be 'server').
export const onDealerSide = (role: string | undefined) => holdsAt(role, 'ticket', 'C', ['own_dealer']);

// Whether the user writes documents (orders, visits, tickets, forms) on this device, whose
// changes may wait here for the network.
export const writesDocuments = (): boolean => (['order', 'visit', 'ticket', 'form'] as const).some((r) => allowed(r, 'W'));

// The links of each face, each with what it needs; the Shell shows those the user may use.
// A page declares the same need, so a link is never shown for a page that sends the user home.
export interface NavItem { href: string; label: string; need: Need }
export const NAV: Record<Face, readonly NavItem[]> = {
  hq: [
    { href: '/hq', label: 'Dealers', need: 'dealers:read' },
    { href: '/hq/map', label: 'Map', need: 'dealers:read' },
    { href: '/hq/field', label: 'Field', need: 'field:read' },
    { href: '/hq/approvals', label: 'Approvals', need: 'orders:approve' },
    { href: '/hq/forms', label: 'Forms', need: 'forms:read' },
    { href: '/hq/announcements', label: 'Announcements', need: 'home:manage' },
    { href: '/hq/tickets', label: 'Tickets', need: 'ticket:R' },
    { href: '/hq/integrations', label: 'Integrations', need: 'integrations:manage' },
    { href: '/hq/stock', label: 'Stock', need: 'stock:read' },
  ],
  field: [
    { href: '/field/today', label: 'Today', need: 'field:work' },
    { href: '/field', label: 'My dealers', need: 'dealers:read' },
  ],
  portal: [
    { href: '/portal', label: 'My dealer', need: 'dealers:read' },
    { href: '/portal/approvals', label: 'Network orders', need: 'orders:approve' },
    { href: '/portal/tickets', label: 'Support', need: 'ticket:C' },
    { href: '/portal/catalog', label: 'Catalog', need: 'products:read' },
    { href: '/portal/stock', label: 'Stock', need: 'stock:report' },
  ],
  supplier: [
    { href: '/supplier', label: 'Purchase orders', need: 'purchase_order:R' },
  ],
};

// The signed-in user's links: its face's list, filtered by the policy.
export const myNav = (): NavItem[] => { const f = myFace(); return f ? NAV[f].filter((n) => meets(n.need)) : []; };

// Whether the signed-in user may use a page: of the given face(s) (any when none is given),
// meeting its need (none: the face is enough).
export function mayUse(page: { face?: Face | readonly Face[]; need?: Need }): boolean {
  const f = myFace();
  if (!f) return false;
  if (page.face && !(typeof page.face === 'string' ? [page.face] : page.face).includes(f)) return false;
  return !page.need || meets(page.need);
}
