import { z } from 'zod';
import { FORM_TARGET_KINDS } from '../db/schema-forms.ts';
import { formDefinition } from '../forms/definition.ts';
import { idSchema } from './common.ts';

export const formAssignment = z.strictObject({
  kind: z.enum(FORM_TARGET_KINDS),
  target: z.string().trim().min(1, 'Name the segment or visit type').max(40, 'At most 40 characters'),
});
export type FormAssignmentInput = z.infer<typeof formAssignment>;

const assignments = z.array(formAssignment).max(100, 'At most 100 assignments');

export const formCreateBody = z.strictObject({
  name: z.string().trim().min(1, 'Enter a name').max(200, 'At most 200 characters'),
  definition: formDefinition,
  assignments: assignments.default([]),
});
export type FormCreateBody = z.infer<typeof formCreateBody>;

export const formVersionBody = z.strictObject({ definition: formDefinition });
export const formAssignmentsBody = z.strictObject({ assignments });

export const formListQuery = z.strictObject({
  dealer: idSchema.optional(),
  visitType: z.string().trim().min(1).max(40).optional(),
});
export type FormListQuery = z.infer<typeof formListQuery>;

export const formCheckBody = z.strictObject({ answers: z.record(z.string(), z.unknown()) });
