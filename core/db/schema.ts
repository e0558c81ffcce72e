// The relational model in D1. Money is stored in minor units (cents) as integers so sums are
// exact; dates are ISO strings (dates as YYYY-MM-DD, instants as full ISO-8601 UTC) so they
// sort as text and read the same in SQL, in JSON and in the UI.
import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

// The brand's choice for a photo's location: kept with it, or dropped before it is stored.
// Here rather than in schema-photos.ts because organisations holds it and the modules import
// each other: a value read while its module is still loading would not be there yet.
export const PHOTO_LOCATION_SETTINGS = ['keep', 'strip'] as const;
export type PhotoLocationSetting = (typeof PHOTO_LOCATION_SETTINGS)[number];

export const organisations = sqliteTable('organisations', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  shortName: text('short_name').notNull(),
  primaryColor: text('primary_color').notNull().default('#0f766e'),
  backgroundColor: text('background_color').notNull().default('#ffffff'),
  logoUrl: text('logo_url'),
  currency: text('currency').notNull().default('EUR'),
  locale: text('locale').notNull().default('en'),
  timezone: text('timezone').notNull().default('UTC'),
  createdAt: text('created_at').notNull().default(now),
  checkinRadiusM: integer('checkin_radius_m').notNull().default(150),
  checkinMaxAccuracyM: integer('checkin_max_accuracy_m').notNull().default(100),
  lateAfterMin: integer('late_after_min').notNull().default(15),
  photoLocation: text('photo_location', { enum: PHOTO_LOCATION_SETTINGS }).notNull().default('keep'),
}, (t) => [check('organisations_photo_location', sql`${t.photoLocation} IN ('keep', 'strip')`)]);

export const regions = sqliteTable('regions', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organisations.id),
  code: text('code').notNull(),
  name: text('name').notNull(),
  // Cloudflare location hint (wnam, enam, weur, eeur, apac, oc, ...) for rooms of this region.
  locationHint: text('location_hint'),
}, (t) => [uniqueIndex('regions_org_code').on(t.orgId, t.code)]);

export const territories = sqliteTable('territories', {
  id: text('id').primaryKey(),
  regionId: text('region_id').notNull().references(() => regions.id),
  code: text('code').notNull(),
  name: text('name').notNull(),
}, (t) => [index('territories_region').on(t.regionId)]);

export const DEALER_TYPES = ['maker', 'distributor', 'dealer', 'sub_dealer'] as const;
export const DEALER_TIERS = ['platinum', 'gold', 'silver', 'bronze'] as const;
export const DEALER_STATUSES = ['active', 'prospect', 'suspended', 'archived'] as const;

export const dealers = sqliteTable('dealers', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organisations.id),
  parentId: text('parent_id'),
  type: text('type', { enum: DEALER_TYPES }).notNull(),
  code: text('code').notNull(),
  name: text('name').notNull(),
  tier: text('tier', { enum: DEALER_TIERS }).notNull().default('bronze'),
  // JSON array of segment tags, e.g. ["retail","urban"].
  segments: text('segments', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
  regionId: text('region_id').references(() => regions.id),
  territoryId: text('territory_id').references(() => territories.id),
  address: text('address'),
  city: text('city'),
  country: text('country'),
  lat: real('lat'),
  lng: real('lng'),
  status: text('status', { enum: DEALER_STATUSES }).notNull().default('active'),
  creditLimit: integer('credit_limit').notNull().default(0),
  // Takes its sub-dealers' orders itself (approves and fulfils them) instead of the brand.
  handlesNetworkOrders: integer('handles_network_orders', { mode: 'boolean' }).notNull().default(false),
  phone: text('phone'),
  email: text('email'),
  createdAt: text('created_at').notNull().default(now),
  updatedAt: text('updated_at').notNull().default(now),
}, (t) => [
  uniqueIndex('dealers_org_code').on(t.orgId, t.code),
  index('dealers_parent').on(t.parentId),
  // Lists are ordered by (name, id) and paged: each filter's index ends in those columns so a
  // page is read in order and the scan stops after pageSize rows.
  index('dealers_region_status').on(t.regionId, t.status, t.name, t.id),
  index('dealers_type_status').on(t.type, t.status, t.name, t.id),
  index('dealers_status_name').on(t.status, t.name, t.id),
  index('dealers_tier').on(t.tier, t.name, t.id),
  index('dealers_territory').on(t.territoryId),
  index('dealers_name').on(t.name, t.id),
]);

export const dealerContacts = sqliteTable('dealer_contacts', {
  id: text('id').primaryKey(),
  dealerId: text('dealer_id').notNull().references(() => dealers.id),
  name: text('name').notNull(),
  role: text('role'),
  email: text('email'),
  phone: text('phone'),
  isPrimary: integer('is_primary', { mode: 'boolean' }).notNull().default(false),
}, (t) => [index('dealer_contacts_dealer').on(t.dealerId)]);

export const ROLES = ['hq_admin', 'regional_manager', 'analyst', 'field_rep', 'dealer_admin', 'dealer_staff', 'supplier'] as const;
export const USER_STATUSES = ['invited', 'active', 'disabled'] as const;

export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organisations.id),
  email: text('email').notNull(),
  name: text('name').notNull(),
  // pbkdf2-sha256$iterations$salt(b64)$hash(b64); null until an invitation is accepted.
  passwordHash: text('password_hash'),
  role: text('role', { enum: ROLES }).notNull(),
  dealerId: text('dealer_id').references(() => dealers.id),
  status: text('status', { enum: USER_STATUSES }).notNull().default('active'),
  createdAt: text('created_at').notNull().default(now),
  lastLoginAt: text('last_login_at'),
}, (t) => [uniqueIndex('users_email').on(t.email), index('users_dealer').on(t.dealerId), index('users_role').on(t.role)]);

// Regions a regional manager (or a rep) works in; a manager may hold several.
export const userRegions = sqliteTable('user_regions', {
  userId: text('user_id').notNull().references(() => users.id),
  regionId: text('region_id').notNull().references(() => regions.id),
}, (t) => [primaryKey({ columns: [t.userId, t.regionId] }), index('user_regions_region').on(t.regionId)]);

export const invitations = sqliteTable('invitations', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull().references(() => users.id),
  tokenHash: text('token_hash').notNull(),
  createdBy: text('created_by').references(() => users.id),
  createdAt: text('created_at').notNull().default(now),
  expiresAt: text('expires_at').notNull(),
  usedAt: text('used_at'),
  // Set when the user is disabled before accepting: the link stops working.
  revokedAt: text('revoked_at'),
}, (t) => [uniqueIndex('invitations_token').on(t.tokenHash)]);

export const sessions = sqliteTable('sessions', {
  // SHA-256 of the cookie token: a leaked table does not hand out sessions.
  id: text('id').primaryKey(),
  userId: text('user_id').notNull().references(() => users.id),
  createdAt: text('created_at').notNull().default(now),
  expiresAt: text('expires_at').notNull(),
  lastSeenAt: text('last_seen_at'),
  userAgent: text('user_agent'),
  ip: text('ip'),
}, (t) => [index('sessions_user').on(t.userId)]);

// Failed sign-ins per key ("email:<address>" or "ip:<address>") for rate limiting with backoff.
export const loginThrottle = sqliteTable('login_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  lastFailureAt: text('last_failure_at').notNull(),
  lockedUntil: text('locked_until'),
});

export const repAssignments = sqliteTable('rep_assignments', {
  repId: text('rep_id').notNull().references(() => users.id),
  dealerId: text('dealer_id').notNull().references(() => dealers.id),
  since: text('since').notNull().default(now),
}, (t) => [primaryKey({ columns: [t.repId, t.dealerId] }), index('rep_assignments_dealer').on(t.dealerId)]);

export const products = sqliteTable('products', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organisations.id),
  sku: text('sku').notNull(),
  name: text('name').notNull(),
  category: text('category').notNull(),
  unit: text('unit').notNull().default('each'),
  packSize: integer('pack_size').notNull().default(1),
  // Whole units (each, box) cannot be ordered in fractions; kg or litres can.
  wholeUnits: integer('whole_units', { mode: 'boolean' }).notNull().default(true),
  status: text('status', { enum: ['active', 'discontinued'] }).notNull().default('active'),
  description: text('description'),
}, (t) => [uniqueIndex('products_org_sku').on(t.orgId, t.sku), index('products_category').on(t.category, t.name)]);

export const PRICE_LIST_SCOPES = ['default', 'region', 'tier', 'dealer'] as const;

export const priceLists = sqliteTable('price_lists', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organisations.id),
  name: text('name').notNull(),
  scope: text('scope', { enum: PRICE_LIST_SCOPES }).notNull(),
  regionId: text('region_id').references(() => regions.id),
  tier: text('tier', { enum: DEALER_TIERS }),
  dealerId: text('dealer_id').references(() => dealers.id),
  currency: text('currency').notNull(),
  validFrom: text('valid_from'),
  validTo: text('valid_to'),
}, (t) => [index('price_lists_scope').on(t.scope, t.regionId, t.tier, t.dealerId)]);

export const priceListItems = sqliteTable('price_list_items', {
  priceListId: text('price_list_id').notNull().references(() => priceLists.id),
  productId: text('product_id').notNull().references(() => products.id),
  unitPrice: integer('unit_price').notNull(),
}, (t) => [primaryKey({ columns: [t.priceListId, t.productId] }), index('price_list_items_product').on(t.productId)]);

export const TARGET_SUBJECTS = ['dealer', 'rep', 'region'] as const;

export const targets = sqliteTable('targets', {
  id: text('id').primaryKey(),
  subjectType: text('subject_type', { enum: TARGET_SUBJECTS }).notNull(),
  subjectId: text('subject_id').notNull(),
  // Calendar month, YYYY-MM.
  period: text('period').notNull(),
  // Null means every category.
  category: text('category'),
  amount: integer('amount').notNull().default(0),
  quantity: integer('quantity').notNull().default(0),
}, (t) => [index('targets_subject').on(t.subjectType, t.subjectId, t.period), index('targets_period').on(t.period)]);

export const contracts = sqliteTable('contracts', {
  id: text('id').primaryKey(),
  dealerId: text('dealer_id').notNull().references(() => dealers.id),
  type: text('type').notNull(),
  startDate: text('start_date').notNull(),
  endDate: text('end_date'),
  status: text('status', { enum: ['draft', 'active', 'expired', 'terminated'] }).notNull().default('active'),
  fileKey: text('file_key'),
}, (t) => [index('contracts_dealer').on(t.dealerId), index('contracts_end').on(t.endDate)]);

export const certifications = sqliteTable('certifications', {
  id: text('id').primaryKey(),
  dealerId: text('dealer_id').notNull().references(() => dealers.id),
  kind: text('kind').notNull(),
  issuedOn: text('issued_on').notNull(),
  expiresOn: text('expires_on'),
}, (t) => [index('certifications_dealer').on(t.dealerId), index('certifications_expires').on(t.expiresOn)]);

// Append-only: nothing updates or deletes rows here (no route does, and a trigger refuses it).
export const auditLog = sqliteTable('audit_log', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  at: text('at').notNull().default(now),
  actorId: text('actor_id'),
  actorRole: text('actor_role'),
  action: text('action').notNull(),
  entityType: text('entity_type'),
  entityId: text('entity_id'),
  outcome: text('outcome', { enum: ['ok', 'denied', 'failed'] }).notNull().default('ok'),
  ip: text('ip'),
  detail: text('detail', { mode: 'json' }).$type<Record<string, unknown>>(),
}, (t) => [index('audit_log_at').on(t.at), index('audit_log_entity').on(t.entityType, t.entityId), index('audit_log_actor').on(t.actorId)]);

export type Role = (typeof ROLES)[number];
export type Dealer = typeof dealers.$inferSelect;
export type User = typeof users.$inferSelect;
export type Organisation = typeof organisations.$inferSelect;
export type Product = typeof products.$inferSelect;

// Every Yjs document the server has seen: registered at its first sync (documents are born on
// devices), touched by its room after changes, listed for catch-up by `updated_at`.
export const documents = sqliteTable('documents', {
  id: text('id').primaryKey(),
  kind: text('kind', { enum: ['order', 'visit', 'form', 'ticket'] }).notNull(),
  dealerId: text('dealer_id').notNull().references(() => dealers.id),
  repId: text('rep_id'),
  createdBy: text('created_by').notNull(),
  createdAt: text('created_at').notNull().default(now),
  updatedAt: text('updated_at').notNull().default(now),
}, (t) => [index('documents_dealer_updated').on(t.dealerId, t.updatedAt), index('documents_updated').on(t.updatedAt)]);

// Projections of documents for HQ queries and analytics, written by each document's room
// after accepted changes. Rows are replaced whole per document, so a retry is harmless.
export const orders = sqliteTable('orders', {
  id: text('id').primaryKey(),
  dealerId: text('dealer_id').notNull(),
  status: text('status').notNull(),
  createdBy: text('created_by'),
  lineCount: integer('line_count').notNull().default(0),
  quantity: real('quantity').notNull().default(0),
  total: integer('total'),
  submittedAt: text('submitted_at'),
  updatedAt: text('updated_at').notNull(),
  approvalState: text('approval_state'),
  approvalLevel: text('approval_level'),
  approverDealerId: text('approver_dealer_id'),
}, (t) => [index('orders_dealer_status').on(t.dealerId, t.status), index('orders_status_updated').on(t.status, t.updatedAt), index('orders_approval').on(t.approvalState, t.approvalLevel),
  index('orders_approver_dealer').on(t.approverDealerId, t.approvalState)]);

export const approvalRules = sqliteTable('approval_rules', {
  orgId: text('org_id').primaryKey().references(() => organisations.id),
  autoApproveMax: integer('auto_approve_max').notNull().default(100_000),
  managerMax: integer('manager_max').notNull().default(500_000),
  updatedBy: text('updated_by'),
  updatedAt: text('updated_at').notNull().default(now),
});

export const orderLines = sqliteTable('order_lines', {
  orderId: text('order_id').notNull(),
  lineId: text('line_id').notNull(),
  productId: text('product_id').notNull(),
  quantity: real('quantity').notNull(),
  unitPrice: integer('unit_price'),
}, (t) => [primaryKey({ columns: [t.orderId, t.lineId] }), index('order_lines_product').on(t.productId)]);

export const visits = sqliteTable('visits', {
  id: text('id').primaryKey(),
  repId: text('rep_id').notNull(),
  dealerId: text('dealer_id').notNull(),
  status: text('status').notNull(),
  plannedStart: text('planned_start'),
  checkInAt: text('check_in_at'),
  checkOutAt: text('check_out_at'),
  updatedAt: text('updated_at').notNull(),
  visitType: text('visit_type'),
  checkInLat: real('check_in_lat'),
  checkInLng: real('check_in_lng'),
  checkInAccuracyM: real('check_in_accuracy_m'),
  checkInDistanceM: real('check_in_distance_m'),
  checkInVerified: integer('check_in_verified').notNull().default(0),
  checkInReason: text('check_in_reason'),
  checkOutDistanceM: real('check_out_distance_m'),
  clockSkewMs: integer('clock_skew_ms'),
  durationMin: real('duration_min'),
  lateMin: real('late_min'),
  notes: text('notes').notNull().default(''),
  photoCount: integer('photo_count').notNull().default(0),
}, (t) => [index('visits_rep_status').on(t.repId, t.status), index('visits_dealer').on(t.dealerId), index('visits_rep_planned').on(t.repId, t.plannedStart)]);

export const visitAnswers = sqliteTable('visit_answers', {
  visitId: text('visit_id').notNull(),
  formId: text('form_id').notNull(),
  formVersion: integer('form_version').notNull(),
  questionId: text('question_id').notNull(),
  value: text('value').notNull(),
}, (t) => [primaryKey({ columns: [t.visitId, t.formId, t.questionId] })]);

export const visitPhotos = sqliteTable('visit_photos', {
  visitId: text('visit_id').notNull(),
  sha256: text('sha256').notNull(),
  formId: text('form_id'),
  questionId: text('question_id'),
  takenAt: text('taken_at'),
}, (t) => [primaryKey({ columns: [t.visitId, t.sha256] }), index('visit_photos_sha').on(t.sha256)]);

export const visitPlans = sqliteTable('visit_plans', {
  dealerId: text('dealer_id').primaryKey().references(() => dealers.id),
  repId: text('rep_id').notNull().references(() => users.id),
  frequency: text('frequency', { enum: ['weekly', 'biweekly', 'monthly'] }).notNull(),
  weekdays: text('weekdays', { mode: 'json' }).$type<number[]>().notNull().default(sql`'[]'`),
  windowStart: text('window_start'),
  windowEnd: text('window_end'),
  durationMin: integer('duration_min').notNull().default(30),
  visitType: text('visit_type').notNull().default('routine'),
  updatedBy: text('updated_by'),
  updatedAt: text('updated_at').notNull().default(now),
}, (t) => [index('visit_plans_rep').on(t.repId), check('visit_plans_frequency', sql`${t.frequency} IN ('weekly', 'biweekly', 'monthly')`)]);

export const tasks = sqliteTable('tasks', {
  id: text('id').primaryKey(),
  dealerId: text('dealer_id').notNull().references(() => dealers.id),
  repId: text('rep_id').notNull().references(() => users.id),
  title: text('title').notNull(),
  details: text('details').notNull().default(''),
  dueDate: text('due_date').notNull(),
  status: text('status', { enum: ['open', 'done', 'cancelled'] }).notNull().default('open'),
  ticketId: text('ticket_id'),
  createdBy: text('created_by').notNull(),
  createdAt: text('created_at').notNull().default(now),
  doneAt: text('done_at'),
  doneVisitId: text('done_visit_id'),
}, (t) => [
  index('tasks_rep_status').on(t.repId, t.status, t.dueDate), index('tasks_dealer').on(t.dealerId),
  check('tasks_status', sql`${t.status} IN ('open', 'done', 'cancelled')`),
]);

export const tickets = sqliteTable('tickets', {
  id: text('id').primaryKey(),
  dealerId: text('dealer_id').notNull(),
  status: text('status').notNull(),
  category: text('category'),
  subject: text('subject'),
  messageCount: integer('message_count').notNull().default(0),
  updatedAt: text('updated_at').notNull(),
  openedAt: text('opened_at'),
  firstResponseAt: text('first_response_at'),
  resolvedAt: text('resolved_at'),
  assignedTo: text('assigned_to'),
  routedTo: text('routed_to'),
  lastMessageAt: text('last_message_at'),
}, (t) => [index('tickets_dealer_status').on(t.dealerId, t.status), index('tickets_status_opened').on(t.status, t.openedAt)]);
export * from './schema-photos.ts';
export * from './schema-forms.ts';
export * from './schema-home.ts';
export * from './schema-tickets.ts';
export * from './schema-integrations.ts';
export * from './schema-catalog.ts';
