import type { DocKind } from '../id.ts';
import { FORM } from './form.ts';
import { ORDER } from './order.ts';
import type { KindSpec } from './spec.ts';
import { TICKET } from './ticket.ts';
import { VISIT } from './visit.ts';

export const KINDS: Record<DocKind, KindSpec> = { order: ORDER, visit: VISIT, form: FORM, ticket: TICKET };
export type { KindSpec, Part, Violation, Writer } from './spec.ts';
