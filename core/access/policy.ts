// The access policy (DESIGN.md §4), the one place that says who may do what. Every check
// derives from this table: the Worker's route rules and scope SQL, who reaches a document and
// whether a socket may write, /api/docs, the room's rules (through each kind's parts) and what
// the UI offers. Deny by default: a role, relation or letter not written here is refused.
import type { Role } from '../db/schema.ts';

// How a user stands to a record, always through the dealer the record belongs to:
//   own         created by or assigned to the user (a rep's own visits, a supplier's orders)
//   own_dealer  the user's own dealer
//   sub_dealer  below the user's dealer in the tree
//   network     a sub-dealer whose orders the user's dealer runs (handles_network_orders)
//   assigned    one of a rep's dealers
//   region      a dealer in one of a manager's regions
//   any         every record
export const RELATIONS = ['own', 'own_dealer', 'sub_dealer', 'network', 'assigned', 'region', 'any'] as const;
export type Relation = (typeof RELATIONS)[number];

// R read, C create, W write the role's part, D decide (server steps the role may trigger).
export const LETTERS = ['R', 'C', 'W', 'D'] as const;
export type Letter = (typeof LETTERS)[number];

// A grant's key is one relation, or several joined by '&' that must all hold ('own&assigned':
// a rep's own visit at one of the rep's dealers). Its value is the letters it gives.
export type RelationKey = Relation | `${Relation}&${Relation}`;
export type Grant = Partial<Record<RelationKey, string>>;

export const RESOURCES = [
  // DESIGN.md §4, row by row
  'dealer', 'users', 'catalog', 'targets', 'order', 'visit', 'ticket', 'form', 'campaign', 'purchase_order',
  // API resources the table's rows imply
  'session', 'regions', 'audit', 'field_plan', 'field_report', 'field_day', 'form_definition', 'photo',
  'approval_rules', 'home_content', 'integrations', 'stock',
] as const;
export type Resource = (typeof RESOURCES)[number];

export const POLICY: Record<Resource, Partial<Record<Role, Grant>>> = {
  // W for a dealer user is the dealer's contact fields only (dealers:profile).
  dealer: {
    hq_admin: { any: 'RCW' }, regional_manager: { region: 'RCW' }, analyst: { any: 'R' }, field_rep: { assigned: 'R' },
    dealer_admin: { own_dealer: 'RW', sub_dealer: 'R' }, dealer_staff: { own_dealer: 'R' },
  },
  // A dealer admin manages the staff of its own dealer, nobody else.
  users: { hq_admin: { any: 'RCW' }, regional_manager: { region: 'R' }, analyst: { any: 'R' }, dealer_admin: { own_dealer: 'RCW' } },
  catalog: {
    hq_admin: { any: 'RCW' }, regional_manager: { region: 'R' }, analyst: { any: 'R' }, field_rep: { assigned: 'R' },
    dealer_admin: { own_dealer: 'R' }, dealer_staff: { own_dealer: 'R' },
  },
  targets: {
    hq_admin: { any: 'RCW' }, regional_manager: { region: 'RCW' }, analyst: { any: 'R' }, field_rep: { assigned: 'R', own: 'R' },
    dealer_admin: { own_dealer: 'R' }, dealer_staff: { own_dealer: 'R' },
  },
  // Managers decide up to their approval level; a network's parent decides its network's orders.
  order: {
    hq_admin: { any: 'RD' }, regional_manager: { region: 'RD' }, analyst: { any: 'R' }, field_rep: { assigned: 'RCW' },
    dealer_admin: { own_dealer: 'RCW', network: 'RD' }, dealer_staff: { own_dealer: 'RCW' },
  },
  visit: { hq_admin: { any: 'R' }, regional_manager: { region: 'R' }, analyst: { any: 'R' }, field_rep: { 'own&assigned': 'RCW' } },
  // A rep replies (RW, no C): only dealer users open tickets.
  ticket: {
    hq_admin: { any: 'RWD' }, regional_manager: { region: 'RWD' }, analyst: { any: 'R' }, field_rep: { assigned: 'RW' },
    dealer_admin: { own_dealer: 'RCW', sub_dealer: 'R' }, dealer_staff: { own_dealer: 'RCW' },
  },
  // Survey responses and form submissions about one dealer: filled in by the dealer's users or
  // by a rep of the dealer on its behalf (the id names the rep who started it).
  form: {
    hq_admin: { any: 'R' }, regional_manager: { region: 'R' }, analyst: { any: 'R' }, field_rep: { assigned: 'RCW' },
    dealer_admin: { own_dealer: 'RCW' }, dealer_staff: { own_dealer: 'RCW' },
  },
  campaign: {
    hq_admin: { any: 'RCWD' }, regional_manager: { region: 'RD' }, analyst: { any: 'R' }, field_rep: { assigned: 'RD' },
    dealer_admin: { own_dealer: 'RCW' }, dealer_staff: { own_dealer: 'RCW' },
  },
  purchase_order: { hq_admin: { any: 'RCW' }, analyst: { any: 'R' }, supplier: { own: 'RW' } },

  session: {
    hq_admin: { any: 'R' }, regional_manager: { any: 'R' }, analyst: { any: 'R' }, field_rep: { any: 'R' },
    dealer_admin: { any: 'R' }, dealer_staff: { any: 'R' }, supplier: { any: 'R' },
  },
  regions: {
    hq_admin: { any: 'R' }, regional_manager: { any: 'R' }, analyst: { any: 'R' }, field_rep: { any: 'R' },
    dealer_admin: { any: 'R' }, dealer_staff: { any: 'R' },
  },
  audit: { hq_admin: { any: 'R' }, analyst: { any: 'R' } },
  // Visit plans and tasks for reps.
  field_plan: { hq_admin: { any: 'RCW' }, regional_manager: { region: 'RCW' } },
  // Field KPIs, visit lists and maps.
  field_report: { hq_admin: { any: 'R' }, regional_manager: { region: 'R' }, analyst: { any: 'R' } },
  // A rep's own day: plans, check-ins, tasks done.
  field_day: { field_rep: { own: 'RW' } },
  form_definition: { hq_admin: { any: 'RCW' }, regional_manager: { any: 'R' }, analyst: { any: 'R' }, field_rep: { any: 'R' } },
  photo: {
    hq_admin: { any: 'RC' }, regional_manager: { region: 'RC' }, analyst: { any: 'R' }, field_rep: { assigned: 'RC' },
    dealer_admin: { own_dealer: 'RC' }, dealer_staff: { own_dealer: 'RC' },
  },
  approval_rules: { hq_admin: { any: 'RW' } },
  // Announcements and documents HQ publishes for dealers; a rep opens them with its dealers.
  home_content: {
    hq_admin: { any: 'RCW' }, regional_manager: { any: 'R' }, analyst: { any: 'R' }, field_rep: { assigned: 'R' },
    dealer_admin: { own_dealer: 'R' }, dealer_staff: { own_dealer: 'R' },
  },
  integrations: { hq_admin: { any: 'RCW' } },
  // Channel stock: a dealer's own users report it, its rep in an audit.
  stock: {
    hq_admin: { any: 'R' }, regional_manager: { region: 'R' }, analyst: { any: 'R' }, field_rep: { assigned: 'RC' },
    dealer_admin: { own_dealer: 'RC' }, dealer_staff: { own_dealer: 'RC' },
  },
};

// Which roles a role may give the users it creates or changes where its users grant is not at
// 'any' (DESIGN.md §4: a dealer admin manages its own dealer's staff only).
export const MANAGED_ROLES: Partial<Record<Role, readonly Role[]>> = { dealer_admin: ['dealer_staff'] };
