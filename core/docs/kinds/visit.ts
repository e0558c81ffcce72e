// A visit: written by the rep it belongs to (the policy gives W only on the rep's own visits at
// the rep's dealers), judged by the server (flags).
import { z } from 'zod';
import { checkRecord } from '../../validators/field.ts';
import { VISIT_STATUSES } from '../base.ts';
import { ANY_STATUS, zodCheck, type KindSpec, type Part } from './spec.ts';

const answerSet = z.strictObject({ formId: z.string().min(1).max(64), version: z.number().int().min(1), values: z.record(z.string(), z.unknown()), submittedAt: z.string().optional() });
const photoEntry = z.strictObject({ formId: z.string().max(64).nullable(), questionId: z.string().max(64).nullable(), at: z.string(), lat: z.number().optional(), lng: z.number().optional() });
const taskDone = z.strictObject({ at: z.string() });

const rep: Part = {
  fields: {
    plannedStart: ANY_STATUS, visitType: ANY_STATUS, checkIn: ANY_STATUS, checkOut: ANY_STATUS,
    answers: ANY_STATUS, photos: ANY_STATUS, tasksDone: ANY_STATUS, notes: ANY_STATUS,
  },
  transitions: [
    { from: 'planned', to: 'in_progress', guard: (get) => (get('checkIn') ? null : 'A visit starts with a check-in') },
    { from: 'in_progress', to: 'done', guard: (get) => (get('checkOut') ? null : 'A visit ends with a check-out') },
  ],
};

export const VISIT: KindSpec = {
  initial: 'planned',
  statuses: VISIT_STATUSES,
  fields: {
    status: { shape: 'value', check: zodCheck(z.enum(VISIT_STATUSES)) },
    plannedStart: { shape: 'value', check: zodCheck(z.string().max(40).nullable()) },
    visitType: { shape: 'value', check: zodCheck(z.string().min(1).max(40)) },
    checkIn: { shape: 'value', check: zodCheck(checkRecord.nullable()) },
    checkOut: { shape: 'value', check: zodCheck(checkRecord.nullable()) },
    answers: { shape: 'map', entry: { key: /^[A-Za-z0-9_-]{1,64}$/, check: zodCheck(answerSet) } },
    photos: { shape: 'map', entry: { key: /^[0-9a-f]{64}$/, check: zodCheck(photoEntry) } },
    tasksDone: { shape: 'map', entry: { key: /^[A-Za-z0-9_-]{1,64}$/, check: zodCheck(taskDone) } },
    notes: { shape: 'text' },
    flags: { shape: 'value' },
  },
  parts: { field_rep: rep },
  serverTransitions: [['planned', 'missed']],
};
