// Visit forms (migrations/0006_forms.sql). A version row is written once and never updated:
// submissions name the version they were filled in, and it must read the same forever.
import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { FormDefinition } from '../forms/definition.ts';
import { users } from './schema.ts';

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

export const FORM_TARGET_KINDS = ['segment', 'visit_type'] as const;
export type FormTargetKind = (typeof FORM_TARGET_KINDS)[number];

export const forms = sqliteTable('forms', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  createdBy: text('created_by').notNull().references(() => users.id),
  createdAt: text('created_at').notNull().default(now),
  archived: integer('archived', { mode: 'boolean' }).notNull().default(false),
});

export const formVersions = sqliteTable('form_versions', {
  formId: text('form_id').notNull().references(() => forms.id),
  version: integer('version').notNull(),
  definition: text('definition', { mode: 'json' }).$type<FormDefinition>().notNull(),
  createdBy: text('created_by').notNull().references(() => users.id),
  createdAt: text('created_at').notNull().default(now),
}, (t) => [primaryKey({ columns: [t.formId, t.version] })]);

export const formAssignments = sqliteTable('form_assignments', {
  formId: text('form_id').notNull().references(() => forms.id),
  targetKind: text('target_kind', { enum: FORM_TARGET_KINDS }).notNull(),
  target: text('target').notNull(),
}, (t) => [
  primaryKey({ columns: [t.formId, t.targetKind, t.target] }), index('form_assignments_target').on(t.targetKind, t.target),
  check('form_assignments_target_kind', sql`${t.targetKind} IN ('segment', 'visit_type')`),
]);

export type Form = typeof forms.$inferSelect;
export type FormVersion = typeof formVersions.$inferSelect;
export type FormAssignment = typeof formAssignments.$inferSelect;
