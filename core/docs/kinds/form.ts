// A form submission (a survey response) about one dealer: answered by the dealer's users or a rep
// of the dealer on its behalf, until it is submitted.
import { z } from 'zod';
import { zodCheck, type KindSpec, type Part } from './spec.ts';

export const FORM_STATUSES = ['draft', 'submitted'] as const;

const respondent: Part = {
  fields: { formId: ['draft'], formVersion: ['draft'], answers: ['draft'] },
  transitions: [{ from: 'draft', to: 'submitted', guard: (get) => (get('formId') ? null : 'A response names its form') }],
};

export const FORM: KindSpec = {
  initial: 'draft',
  statuses: FORM_STATUSES,
  fields: {
    status: { shape: 'value', check: zodCheck(z.enum(FORM_STATUSES)) },
    formId: { shape: 'value', check: zodCheck(z.string().min(1).max(64)) },
    formVersion: { shape: 'value', check: zodCheck(z.number().int().min(1)) },
    answers: { shape: 'map', entry: { key: /^[A-Za-z0-9_-]{1,64}$/, check: zodCheck(z.json()) } },
  },
  parts: { field_rep: respondent, dealer_admin: respondent, dealer_staff: respondent },
  serverTransitions: [],
};
