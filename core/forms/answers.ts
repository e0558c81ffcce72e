// Answers to a form version: which questions show, and whether each answer fits its question.
// The phone runs this per field as the rep types, the server runs it on the whole submission,
// so the two can never disagree about what is acceptable.
import { ratingMax, type FormDefinition, type Question } from './definition.ts';

export interface ShelfRow { present: boolean; price?: number; facings?: number; outOfStock?: boolean }
export type ShelfAnswer = Record<string, ShelfRow>;
export type AnswerValue = string | number | boolean | string[] | ShelfAnswer;
// Values come from a Y.Doc or a request body: typed as unknown until checked.
export type Answers = Record<string, unknown>;
export type AnswerCheck = { ok: true } | { ok: false; errors: Record<string, string> };

export const TEXT_MAX = 2000;
export const PHOTOS_MAX = 10;
export const SIGNATURE_MAX_BYTES = 200 * 1024;
const SHA256 = /^[0-9a-f]{64}$/;
const PNG_DATA_URL = /^data:image\/png;base64,[A-Za-z0-9+/]+={0,2}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const SHELF_FIELDS = new Set(['present', 'price', 'facings', 'outOfStock']);

// Cleared fields stay in the document as null or an empty value rather than disappearing.
export function isEmptyAnswer(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

function conditionHolds(value: unknown, equals: string | number | boolean): boolean {
  // A multiple choice meets the condition when the option is among those picked.
  if (Array.isArray(value)) return value.includes(equals);
  return value === equals;
}

// Conditions only point backwards, so one pass in order settles every question, including
// chains: a question whose condition depends on a hidden question is hidden too.
export function visibleQuestions(def: FormDefinition, answers: Answers): Question[] {
  const visible = new Set<string>();
  const out: Question[] = [];
  for (const q of def.questions) {
    const cond = q.showIf;
    if (cond && !(visible.has(cond.question) && conditionHolds(answers[cond.question], cond.equals))) continue;
    visible.add(q.id);
    out.push(q);
  }
  return out;
}

// The answers the rep can still see: what a submission should carry after an earlier answer
// hid a question that had already been filled in.
export function dropHiddenAnswers(def: FormDefinition, answers: Answers): Answers {
  const keep = new Set(visibleQuestions(def, answers).map((q) => q.id));
  return Object.fromEntries(Object.entries(answers).filter(([id]) => keep.has(id)));
}

const between = (min: number | undefined, max: number | undefined) =>
  min !== undefined && max !== undefined ? `Enter a number between ${min} and ${max}`
  : min !== undefined ? `Enter a number of at least ${min}`
  : max !== undefined ? `Enter a number of at most ${max}`
  : 'Enter a number';

function isRealDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function shelfProblem(q: Question, value: unknown): string | null {
  if (!isPlainObject(value)) return 'Fill in the shelf grid';
  const products = q.products ?? [];
  for (const [productId, row] of Object.entries(value)) {
    if (!products.includes(productId)) return `${productId} is not a product of this shelf audit`;
    if (!isPlainObject(row)) return `${productId}: fill in the row`;
    const extra = Object.keys(row).find((k) => !SHELF_FIELDS.has(k));
    if (extra) return `${productId}: ${extra} is not a column of the shelf grid`;
    if (typeof row.present !== 'boolean') return `${productId}: say whether the product is on the shelf`;
    if (row.price !== undefined && (typeof row.price !== 'number' || !Number.isFinite(row.price) || row.price < 0)) return `${productId}: enter the price seen as a number of 0 or more`;
    if (row.facings !== undefined && (typeof row.facings !== 'number' || !Number.isInteger(row.facings) || row.facings < 0)) return `${productId}: enter the facings as a whole number of 0 or more`;
    if (row.outOfStock !== undefined && typeof row.outOfStock !== 'boolean') return `${productId}: say whether the product is out of stock`;
  }
  if (q.required) {
    const missing = products.filter((p) => !(p in value)).length;
    if (missing) return `Fill in every product of the shelf audit (${missing} of ${products.length} missing)`;
  }
  return null;
}

function signatureProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'Sign in the box';
  if (SHA256.test(value)) return null;
  if (!value.startsWith('data:image/png;base64,')) return 'Sign again: the signature is not a PNG image';
  if (value.length > SIGNATURE_MAX_BYTES) return 'The signature is too large (over 200 KB); clear it and sign again';
  return PNG_DATA_URL.test(value) ? null : 'Sign again: the signature image is damaged';
}

// One answer against its question, regardless of whether the question is currently shown.
// Returns a message for the person filling in the form, or null when the answer is fine.
// An empty answer is fine unless the question is required.
export function validateAnswer(question: Question, value: unknown): string | null {
  if (isEmptyAnswer(value)) return question.required ? 'Answer this question' : null;
  const q = question;
  switch (q.type) {
    case 'text':
      if (typeof value !== 'string') return 'Enter text';
      return value.length > TEXT_MAX ? `Use at most ${TEXT_MAX} characters (this has ${value.length})` : null;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return between(q.min, q.max);
      return (q.min !== undefined && value < q.min) || (q.max !== undefined && value > q.max) ? between(q.min, q.max) : null;
    case 'single':
      return typeof value === 'string' && q.options?.includes(value) ? null : `Choose one of: ${(q.options ?? []).join(', ')}`;
    case 'multi': {
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && q.options?.includes(v))) return `Choose from: ${(q.options ?? []).join(', ')}`;
      return new Set(value).size === value.length ? null : 'Choose each option only once';
    }
    case 'yesno':
      return typeof value === 'boolean' ? null : 'Answer yes or no';
    case 'date':
      if (typeof value !== 'string' || !DATE.test(value)) return 'Enter a date as YYYY-MM-DD';
      return isRealDate(value) ? null : `There is no such day as ${value}`;
    case 'rating': {
      const max = ratingMax(q);
      return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= max ? null : `Give a rating from 1 to ${max}`;
    }
    case 'photo':
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && SHA256.test(v))) return 'Attach the photos again: one of them could not be read';
      if (value.length > PHOTOS_MAX) return `Attach at most ${PHOTOS_MAX} photos`;
      return new Set(value).size === value.length ? null : 'The same photo is attached twice';
    case 'signature':
      return signatureProblem(value);
    case 'shelf':
      return shelfProblem(q, value);
  }
}

// A whole submission: every shown question checked, required ones answered, and nothing
// answered that the form does not ask (unknown ids, or questions an earlier answer hides).
export function validateAnswers(def: FormDefinition, answers: Answers): AnswerCheck {
  const errors: Record<string, string> = {};
  const visible = new Set<string>();
  for (const q of visibleQuestions(def, answers)) {
    visible.add(q.id);
    const problem = validateAnswer(q, answers[q.id]);
    if (problem) errors[q.id] = problem;
  }
  const known = new Set(def.questions.map((q) => q.id));
  for (const [id, value] of Object.entries(answers)) {
    if (!known.has(id)) errors[id] = 'This is not a question of this form';
    else if (!visible.has(id) && !isEmptyAnswer(value)) errors[id] = 'This question does not apply after the earlier answers; clear it';
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true };
}
