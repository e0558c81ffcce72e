// Support tickets (migration 0010): response-time targets per ticket category. The tickets
// projection itself is in schema.ts, next to the other document projections.
import { sql } from 'drizzle-orm';
import { check, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const ticketSla = sqliteTable('ticket_sla', {
  category: text('category').primaryKey(),
  firstResponseHours: integer('first_response_hours').notNull(),
  resolveHours: integer('resolve_hours').notNull(),
}, (t) => [
  check('ticket_sla_first_response_hours', sql`${t.firstResponseHours} > 0`),
  check('ticket_sla_resolve_hours', sql`${t.resolveHours} > 0`),
]);
