// What every document module builds on: the JSON values a document holds, its two root maps
// and the statuses each kind moves through. Kept apart so the kinds and the helpers in
// schema.ts can both import it.
import * as Y from 'yjs';
import type { DocKind } from './id.ts';

export const SCHEMA_VERSION: Record<DocKind, number> = { order: 1, visit: 1, form: 1, ticket: 1 };

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export const ORDER_STATUSES = ['draft', 'submitted', 'held', 'approved', 'rejected', 'shipped', 'delivered', 'cancelled'] as const;
export const VISIT_STATUSES = ['planned', 'in_progress', 'done', 'missed'] as const;
export const TICKET_STATUSES = ['open', 'answered', 'resolved', 'closed'] as const;

export const meta = (doc: Y.Doc) => doc.getMap<Json>('meta');
export const body = (doc: Y.Doc, kind: DocKind) => doc.getMap<unknown>(kind);

export type TicketStatus = (typeof TICKET_STATUSES)[number];
export interface TicketRoute { to: 'rep' | 'hq'; repId: string | null; taskId: string | null; dueDate: string | null; by: string; at: string }

