// A visit form as HQ builds it: one version's definition, stored as JSON and rendered on the
// phone from this alone, so everything the renderer and the answer checks need is in here.
import { z } from 'zod';
import { idSchema } from '../validators/common.ts';

export const QUESTION_TYPES = ['text', 'number', 'single', 'multi', 'yesno', 'date', 'rating', 'photo', 'signature', 'shelf'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

export const RATING_MAX_DEFAULT = 5;

// Question ids are keys of the answers map in the visit document and of per-question errors,
// so they stay short, readable and safe in a dotted field path.
const questionId = z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'Use lowercase letters, digits, - and _, starting with a letter');

// Only these can be compared with a single value in a condition.
const CONDITION_SOURCES: readonly QuestionType[] = ['text', 'number', 'single', 'multi', 'yesno', 'date', 'rating'];

const question = z.strictObject({
  id: questionId,
  label: z.string().trim().min(1, 'Enter the question').max(500, 'At most 500 characters'),
  type: z.enum(QUESTION_TYPES),
  required: z.boolean().optional(),
  options: z.array(z.string().trim().min(1, 'An option cannot be empty').max(200, 'At most 200 characters')).max(50, 'At most 50 options').optional(),
  min: z.number().finite().optional(),
  max: z.number().finite().optional(),
  products: z.array(idSchema).max(200, 'At most 200 products').optional(),
  showIf: z.strictObject({
    question: questionId,
    equals: z.union([z.string().max(200), z.number().finite(), z.boolean()]),
  }).optional(),
}).superRefine((q, ctx) => {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const choice = q.type === 'single' || q.type === 'multi';
  if (choice) {
    if (!q.options?.length) issue(['options'], 'List the options to choose from');
    else if (new Set(q.options).size !== q.options.length) issue(['options'], 'Each option only once');
  } else if (q.options !== undefined) issue(['options'], 'Only choice questions have options');

  if (q.type === 'shelf') {
    if (!q.products?.length) issue(['products'], 'Pick the products of the shelf audit');
    else if (new Set(q.products).size !== q.products.length) issue(['products'], 'Each product only once');
  } else if (q.products !== undefined) issue(['products'], 'Only shelf audits list products');

  if (q.type === 'number') {
    if (q.min !== undefined && q.max !== undefined && q.min > q.max) issue(['max'], 'The maximum is below the minimum');
  } else if (q.type === 'rating') {
    if (q.min !== undefined) issue(['min'], 'A rating always starts at 1');
    if (q.max !== undefined && (!Number.isInteger(q.max) || q.max < 2 || q.max > 10)) issue(['max'], 'A rating goes up to a whole number from 2 to 10');
  } else {
    if (q.min !== undefined) issue(['min'], 'Only number questions have a minimum');
    if (q.max !== undefined) issue(['max'], 'Only number and rating questions have a maximum');
  }
});

export const formDefinition = z.strictObject({
  title: z.string().trim().min(1, 'Enter a title').max(200, 'At most 200 characters'),
  questions: z.array(question).min(1, 'Add at least one question').max(200, 'At most 200 questions'),
}).superRefine((def, ctx) => {
  const seen = new Map<string, Question>();
  def.questions.forEach((q, i) => {
    if (seen.has(q.id)) ctx.addIssue({ code: 'custom', path: ['questions', i, 'id'], message: `Another question already uses the id ${q.id}` });
    if (q.showIf) {
      const path = ['questions', i, 'showIf', 'question'];
      // Earlier only: conditions then cannot loop and the form reads top to bottom.
      const source = seen.get(q.showIf.question);
      if (!source) ctx.addIssue({ code: 'custom', path, message: 'A condition can only depend on an earlier question' });
      else if (!CONDITION_SOURCES.includes(source.type)) ctx.addIssue({ code: 'custom', path, message: 'A condition can only test a text, number, choice, yes/no, date or rating question' });
      else {
        const problem = conditionValueProblem(source, q.showIf.equals);
        if (problem) ctx.addIssue({ code: 'custom', path: ['questions', i, 'showIf', 'equals'], message: problem });
      }
    }
    if (!seen.has(q.id)) seen.set(q.id, q);
  });
});

// A condition that can never hold hides its question for good: almost surely a typo.
function conditionValueProblem(source: Question, equals: string | number | boolean): string | null {
  switch (source.type) {
    case 'yesno': return typeof equals === 'boolean' ? null : 'Compare a yes/no question with true or false';
    case 'number': case 'rating': return typeof equals === 'number' ? null : 'Compare with a number';
    case 'single': case 'multi': return typeof equals === 'string' && source.options?.includes(equals) ? null : 'Compare with one of the options of that question';
    default: return typeof equals === 'string' ? null : 'Compare with a text';
  }
}

export type FormDefinition = z.infer<typeof formDefinition>;
export type Question = z.infer<typeof question>;
export type ShowIf = NonNullable<Question['showIf']>;

export const ratingMax = (q: Question) => q.max ?? RATING_MAX_DEFAULT;
