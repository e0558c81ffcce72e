// A support ticket: the dealer's users open it (subject, category, first message) and move it
// on from their side; the brand's side (HQ, the region's manager, the dealer's rep) answers and
// resolves. Every message is written in its author's own name and role. Routing is the server's.
import * as Y from 'yjs';
import { allows } from '../../access/roles.ts';
import { ROLES, type Role } from '../../db/schema.ts';
import { z } from 'zod';
import { body, TICKET_STATUSES, type Json, type TicketRoute } from '../base.ts';
import { added, ANY_STATUS, zodCheck, type Guard, type KindSpec, type Part, type Violation, type Writer } from './spec.ts';

const message = z.strictObject({
  by: z.string().min(1).max(64), byName: z.string().max(120), role: z.string().max(40), text: z.string().max(4000),
  photos: z.array(z.string().regex(/^[0-9a-f]{64}$/, 'Photos are named by their SHA-256')).max(10), at: z.string().datetime({ offset: true }), status: z.enum(TICKET_STATUSES).optional(),
}).refine((m) => m.text.trim().length > 0 || m.photos.length > 0 || m.status !== undefined, 'A message needs text, a photo or a status');

// A thread is only added to, each new message in its writer's name, and never without a subject.
// A message that records a status names one its writer may move the ticket to.
function messageViolations(writer: Writer, a: Json | undefined, b: Json | undefined, get: (f: string) => Json | undefined): Violation[] {
  const la = Array.isArray(a) ? a : [];
  const lb = Array.isArray(b) ? b : [];
  const out: Violation[] = [];
  const fresh = added(la, lb) ?? [];
  if (fresh.length && !(typeof get('subject') === 'string' && String(get('subject')).trim())) out.push({ path: 'messages', reason: 'A ticket needs a subject' });
  for (const i of fresh) {
    const path = `messages.${i}`;
    const bad = zodCheck(message)(lb[i]);
    if (bad) { out.push({ path, reason: bad }); continue; }
    const e = lb[i] as Record<string, Json>;
    if (e.by !== writer.userId || e.role !== writer.role) { out.push({ path, reason: 'A message is written in its author\'s own name and role' }); continue; }
    if (e.status !== undefined && !TICKET.parts[writer.role]?.transitions.some((t) => t.to === e.status)) out.push({ path, reason: `A ${writer.role} does not move a ticket to ${String(e.status)}` });
  }
  return out;
}

// A ticket moves only once it has been opened (its subject written): the room creates it empty
// when its opener connects, and a step taken before the opening arrives would lock the opening out
// (subject and category change only while open, and a thread needs a subject).
const opened: Guard = (get) => (typeof get('subject') === 'string' && String(get('subject')).trim() ? null : 'A ticket moves once it is opened');
// And every step is written in the thread by whoever takes it: a status change whose message was
// refused (written in someone else's name) does not stand on its own.
const inThread = (to: string): Guard => (get, writer) => {
  const thread = Array.isArray(get('messages')) ? get('messages') as Array<Record<string, Json>> : [];
  return thread.some((m) => m?.status === to && m.by === writer.userId) ? null : 'A status change is written in the thread by whoever makes it';
};
const step = (from: string, to: string) => ({ from, to, guard: (get: Parameters<Guard>[0], writer: Parameters<Guard>[1]) => opened(get, writer) ?? inThread(to)(get, writer) });

const dealerSide: Part = {
  fields: { category: ['open'], subject: ['open'], messages: ANY_STATUS },
  transitions: [step('open', 'closed'), step('answered', 'open'), step('answered', 'closed'), step('resolved', 'closed'), step('resolved', 'open')],
};
const support = (close: boolean): Part => ({
  fields: { messages: ANY_STATUS },
  transitions: [step('open', 'answered'), step('answered', 'resolved'), ...(close ? [step('resolved', 'closed')] : [])],
});

export const TICKET: KindSpec = {
  initial: 'open',
  statuses: TICKET_STATUSES,
  fields: {
    status: { shape: 'value', check: zodCheck(z.enum(TICKET_STATUSES)) },
    category: { shape: 'value', check: zodCheck(z.string().min(1).max(40)) },
    subject: { shape: 'value', check: zodCheck(z.string().trim().min(1, 'Enter a subject').max(200)) },
    messages: { shape: 'list' },
    assignedTo: { shape: 'value' },
    routedTo: { shape: 'value' },
  },
  parts: { dealer_admin: dealerSide, dealer_staff: dealerSide, hq_admin: support(true), regional_manager: support(false), field_rep: support(false) },
  serverTransitions: [],
  changeChecks: { messages: messageViolations },
};

// `routeTicket`: the server sends a ticket to the dealer's rep (as a task) or to the HQ queue.
export function routeTicket(doc: Y.Doc, route: TicketRoute): { ok: true } | { ok: false; message: string } {
  const b = body(doc, 'ticket');
  if (b.get('status') === 'closed') return { ok: false, message: 'This ticket is closed; the dealer can open a new one.' };
  b.set('routedTo', { ...route });
  b.set('assignedTo', route.repId);
  return { ok: true };
}

// Whether a message's author wrote from the dealer's side (who opens tickets) or the brand's side
// (who answers them): read off the policy, so the SLA clock and notifications agree with it.
export const fromDealerSide = (role: unknown) => typeof role === 'string' && (ROLES as readonly string[]).includes(role) && allows(role as Role, 'ticket', 'C');
export const fromSupportSide = (role: unknown) => typeof role === 'string' && (ROLES as readonly string[]).includes(role) && !fromDealerSide(role) && allows(role as Role, 'ticket', 'W');
