import { describe, expect, it } from 'vitest';
import { addDemoForms, storeCheckForm, TRAINING_VISIT_FORM } from '../../core/demo/forms.ts';
import { dropHiddenAnswers, validateAnswer, validateAnswers, visibleQuestions } from '../../core/forms/answers.ts';
import { formDefinition, type FormDefinition, type Question } from '../../core/forms/definition.ts';

const SHA = 'a'.repeat(64);
const SHA2 = '0123456789abcdef'.repeat(4);
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

// The issue's path of a zod issue, as the API reports it in `fields`.
function problems(input: unknown): Record<string, string> {
  const r = formDefinition.safeParse(input);
  if (r.success) return {};
  return Object.fromEntries(r.error.issues.map((i) => [i.path.join('.'), i.message]));
}

const q = (over: Partial<Question> & Pick<Question, 'type'>): Question => ({ id: 'q', label: 'Q', ...over }) as Question;

describe('form definitions', () => {
  it('accepts every question type when well formed', () => {
    expect(formDefinition.safeParse(storeCheckForm(['prd_001', 'prd_002'])).success).toBe(true);
    expect(formDefinition.safeParse(TRAINING_VISIT_FORM).success).toBe(true);
    const all: FormDefinition = {
      title: 'All', questions: [
        { id: 'a', label: 'A', type: 'text' }, { id: 'b', label: 'B', type: 'number', min: 0, max: 10 },
        { id: 'c', label: 'C', type: 'single', options: ['x', 'y'] }, { id: 'd', label: 'D', type: 'multi', options: ['x', 'y'] },
        { id: 'e', label: 'E', type: 'yesno' }, { id: 'f', label: 'F', type: 'date' }, { id: 'g', label: 'G', type: 'rating', max: 10 },
        { id: 'h', label: 'H', type: 'photo' }, { id: 'i', label: 'I', type: 'signature' }, { id: 'j', label: 'J', type: 'shelf', products: ['prd_001'] },
      ],
    };
    expect(formDefinition.safeParse(all).success).toBe(true);
  });

  it('refuses duplicate ids, naming the second one', () => {
    expect(problems({ title: 'T', questions: [{ id: 'a', label: 'A', type: 'text' }, { id: 'a', label: 'B', type: 'yesno' }] }))
      .toHaveProperty(['questions.1.id']);
  });

  it('refuses a condition on a later, missing or unsuitable question, or one that can never hold', () => {
    const later = problems({ title: 'T', questions: [{ id: 'a', label: 'A', type: 'text', showIf: { question: 'b', equals: 'x' } }, { id: 'b', label: 'B', type: 'text' }] });
    expect(later['questions.0.showIf.question']).toMatch(/earlier/);
    const self = problems({ title: 'T', questions: [{ id: 'a', label: 'A', type: 'yesno', showIf: { question: 'a', equals: true } }] });
    expect(self['questions.0.showIf.question']).toMatch(/earlier/);
    const photo = problems({ title: 'T', questions: [{ id: 'p', label: 'P', type: 'photo' }, { id: 'b', label: 'B', type: 'text', showIf: { question: 'p', equals: 'x' } }] });
    expect(photo['questions.1.showIf.question']).toBeTruthy();
    const wrongType = problems({ title: 'T', questions: [{ id: 'a', label: 'A', type: 'yesno' }, { id: 'b', label: 'B', type: 'text', showIf: { question: 'a', equals: 'no' } }] });
    expect(wrongType['questions.1.showIf.equals']).toMatch(/true or false/);
    const noOption = problems({ title: 'T', questions: [{ id: 'a', label: 'A', type: 'single', options: ['x'] }, { id: 'b', label: 'B', type: 'text', showIf: { question: 'a', equals: 'z' } }] });
    expect(noOption['questions.1.showIf.equals']).toMatch(/options/);
  });

  it('requires options for choices and products for shelves, and only there', () => {
    expect(problems({ title: 'T', questions: [{ id: 'a', label: 'A', type: 'single' }] })).toHaveProperty(['questions.0.options']);
    expect(problems({ title: 'T', questions: [{ id: 'a', label: 'A', type: 'multi', options: [] }] })).toHaveProperty(['questions.0.options']);
    expect(problems({ title: 'T', questions: [{ id: 'a', label: 'A', type: 'single', options: ['x', 'x'] }] })).toHaveProperty(['questions.0.options']);
    expect(problems({ title: 'T', questions: [{ id: 'a', label: 'A', type: 'text', options: ['x'] }] })).toHaveProperty(['questions.0.options']);
    expect(problems({ title: 'T', questions: [{ id: 'a', label: 'A', type: 'shelf' }] })).toHaveProperty(['questions.0.products']);
    expect(problems({ title: 'T', questions: [{ id: 'a', label: 'A', type: 'yesno', products: ['prd_001'] }] })).toHaveProperty(['questions.0.products']);
  });

  it('checks bounds, slugs, types and empty forms', () => {
    expect(problems({ title: 'T', questions: [{ id: 'a', label: 'A', type: 'number', min: 5, max: 1 }] })).toHaveProperty(['questions.0.max']);
    expect(problems({ title: 'T', questions: [{ id: 'a', label: 'A', type: 'rating', max: 50 }] })).toHaveProperty(['questions.0.max']);
    expect(problems({ title: 'T', questions: [{ id: 'a', label: 'A', type: 'text', max: 5 }] })).toHaveProperty(['questions.0.max']);
    expect(problems({ title: 'T', questions: [{ id: 'Bad Id', label: 'A', type: 'text' }] })).toHaveProperty(['questions.0.id']);
    expect(problems({ title: 'T', questions: [{ id: 'a', label: 'A', type: 'essay' }] })).toHaveProperty(['questions.0.type']);
    expect(problems({ title: 'T', questions: [] })).toHaveProperty(['questions']);
    expect(problems({ title: '', questions: [{ id: 'a', label: 'A', type: 'text' }] })).toHaveProperty(['title']);
  });
});

describe('one answer per question type', () => {
  const cases: Array<{ question: Question; good: unknown[]; bad: Array<[unknown, RegExp]> }> = [
    { question: q({ type: 'text' }), good: ['hello', 'x'.repeat(2000)], bad: [[42, /text/], ['x'.repeat(2001), /2000/]] },
    { question: q({ type: 'number', min: 0, max: 10 }), good: [0, 10, 3.5], bad: [['5', /^Enter a number between 0 and 10$/], [11, /between 0 and 10/], [-1, /between/], [Number.NaN, /number/], [Infinity, /number/]] },
    { question: q({ type: 'number', min: 2 }), good: [2, 1e6], bad: [[1, /at least 2/]] },
    { question: q({ type: 'single', options: ['Red', 'Blue'] }), good: ['Red'], bad: [['Green', /Red, Blue/], [['Red'], /Choose one/]] },
    { question: q({ type: 'multi', options: ['Red', 'Blue'] }), good: [['Red'], ['Red', 'Blue']], bad: [['Red', /Choose from/], [['Red', 'Pink'], /Choose from/], [['Red', 'Red'], /only once/]] },
    { question: q({ type: 'yesno' }), good: [true, false], bad: [['yes', /yes or no/], [1, /yes or no/]] },
    { question: q({ type: 'date' }), good: ['2026-02-28', '2024-02-29'], bad: [['2026-02-30', /no such day/], ['28.02.2026', /YYYY-MM-DD/], [20260228, /YYYY-MM-DD/], ['2026-13-01', /no such day/]] },
    { question: q({ type: 'rating' }), good: [1, 5], bad: [[0, /1 to 5/], [6, /1 to 5/], [2.5, /1 to 5/], ['3', /1 to 5/]] },
    { question: q({ type: 'rating', max: 10 }), good: [10], bad: [[11, /1 to 10/]] },
    { question: q({ type: 'photo' }), good: [[SHA], [SHA, SHA2]], bad: [[SHA, /photos/], [['A'.repeat(64)], /photos/], [['abc'], /photos/], [Array.from({ length: 11 }, (_, i) => i.toString(16).padStart(64, '0')), /at most 10/], [[SHA, SHA], /twice/]] },
    { question: q({ type: 'signature' }), good: [PNG, SHA], bad: [[42, /Sign/], ['data:image/jpeg;base64,AAAA', /PNG/], [`data:image/png;base64,${'A'.repeat(210 * 1024)}`, /too large/], ['data:image/png;base64,%%%', /damaged/]] },
  ];
  for (const c of cases) {
    it(`${c.question.type}${c.question.max !== undefined ? ` (max ${c.question.max})` : ''}`, () => {
      for (const v of c.good) expect(validateAnswer(c.question, v), JSON.stringify(v)?.slice(0, 60)).toBeNull();
      for (const [v, msg] of c.bad) expect(validateAnswer(c.question, v), JSON.stringify(v)?.slice(0, 60)).toMatch(msg);
    });
  }

  it('treats an empty answer as missing: fine unless required', () => {
    for (const empty of [undefined, null, '', '  ', [], {}]) {
      expect(validateAnswer(q({ type: 'text' }), empty)).toBeNull();
      expect(validateAnswer(q({ type: 'text', required: true }), empty)).toBe('Answer this question');
    }
  });
});

describe('the shelf grid', () => {
  const shelf = q({ type: 'shelf', products: ['prd_001', 'prd_002'] });

  it('takes rows for the listed products only', () => {
    expect(validateAnswer(shelf, { prd_001: { present: true, price: 12.99, facings: 3, outOfStock: false } })).toBeNull();
    expect(validateAnswer(shelf, { prd_001: { present: false }, prd_002: { present: true, facings: 0, outOfStock: true } })).toBeNull();
    expect(validateAnswer(shelf, { prd_999: { present: true } })).toMatch(/prd_999 is not a product/);
  });

  it('refuses a wrong cell with the product named', () => {
    expect(validateAnswer(shelf, { prd_001: { price: 3 } })).toMatch(/prd_001: say whether/);
    expect(validateAnswer(shelf, { prd_001: { present: 'yes' } })).toMatch(/prd_001/);
    expect(validateAnswer(shelf, { prd_001: { present: true, price: -1 } })).toMatch(/price/);
    expect(validateAnswer(shelf, { prd_001: { present: true, facings: 1.5 } })).toMatch(/facings/);
    expect(validateAnswer(shelf, { prd_001: { present: true, outOfStock: 'no' } })).toMatch(/out of stock/);
    expect(validateAnswer(shelf, { prd_001: { present: true, colour: 'red' } })).toMatch(/colour/);
    expect(validateAnswer(shelf, { prd_001: true })).toMatch(/row/);
    expect(validateAnswer(shelf, [{ present: true }])).toMatch(/grid/);
  });

  it('when required, wants every product', () => {
    expect(validateAnswer({ ...shelf, required: true }, { prd_001: { present: true } })).toMatch(/1 of 2 missing/);
    expect(validateAnswer({ ...shelf, required: true }, { prd_001: { present: true }, prd_002: { present: false } })).toBeNull();
  });
});

describe('conditions and whole submissions', () => {
  const def = formDefinition.parse(storeCheckForm(['prd_001', 'prd_002']));
  const ids = (answers: Record<string, unknown>) => visibleQuestions(def, answers).map((x) => x.id);

  it('shows a conditional question only when its condition holds', () => {
    expect(ids({})).not.toContain('display_why');
    expect(ids({ display_ok: true })).not.toContain('display_why');
    expect(ids({ display_ok: false })).toContain('display_why');
  });

  it('hides the whole chain below a hidden question', () => {
    const chain = formDefinition.parse({ title: 'Chain', questions: [
      { id: 'a', label: 'A', type: 'yesno' },
      { id: 'b', label: 'B', type: 'single', options: ['x', 'y'], showIf: { question: 'a', equals: true } },
      { id: 'c', label: 'C', type: 'text', required: true, showIf: { question: 'b', equals: 'x' } },
    ] });
    expect(visibleQuestions(chain, { a: true, b: 'x' }).map((x) => x.id)).toEqual(['a', 'b', 'c']);
    expect(visibleQuestions(chain, { a: false, b: 'x' }).map((x) => x.id)).toEqual(['a']);
    const multi = formDefinition.parse({ title: 'M', questions: [
      { id: 'm', label: 'M', type: 'multi', options: ['x', 'y'] }, { id: 'n', label: 'N', type: 'text', showIf: { question: 'm', equals: 'y' } }] });
    expect(visibleQuestions(multi, { m: ['x', 'y'] }).map((x) => x.id)).toEqual(['m', 'n']);
    expect(visibleQuestions(multi, { m: ['x'] }).map((x) => x.id)).toEqual(['m']);
  });

  it('requires visible required questions only', () => {
    expect(validateAnswers(def, { display_ok: true, impression: 4 })).toEqual({ ok: true });
    expect(validateAnswers(def, { display_ok: false, impression: 4 })).toEqual({ ok: false, errors: { display_why: 'Answer this question' } });
    expect(validateAnswers(def, {})).toEqual({ ok: false, errors: { display_ok: 'Answer this question', impression: 'Answer this question' } });
  });

  it('refuses answers to hidden and unknown questions, and reports every problem at once', () => {
    const r = validateAnswers(def, { display_ok: true, display_why: 'Broken', impression: 9, colour: 'red' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(['colour', 'display_why', 'impression']);
    expect(r.errors.colour).toBe('This is not a question of this form');
    expect(r.errors.display_why).toMatch(/does not apply/);
    expect(r.errors.impression).toBe('Give a rating from 1 to 5');
    // A hidden answer cleared to null is not an answer.
    expect(validateAnswers(def, { display_ok: true, display_why: null, impression: 3 })).toEqual({ ok: true });
    expect(dropHiddenAnswers(def, { display_ok: true, display_why: 'Broken', impression: 3 })).toEqual({ display_ok: true, impression: 3 });
  });

  it('accepts a full store check', () => {
    expect(validateAnswers(def, {
      display_ok: false, display_why: 'Delivered damaged', impression: 2, photos: [SHA],
      shelf: { prd_001: { present: true, price: 19.9, facings: 4 }, prd_002: { present: false, outOfStock: true } },
    })).toEqual({ ok: true });
  });
});

describe('demo forms', () => {
  it('are valid, deterministic and assigned to every segment in use', () => {
    const rows = () => ({
      products: Array.from({ length: 8 }, (_, i) => ({ id: `prd_00${i + 1}` })),
      dealers: [{ id: 'd1', segments: '["urban","retail"]' }, { id: 'd2', segments: '["rural"]' }],
    }) as Parameters<typeof addDemoForms>[0];
    const a = rows();
    addDemoForms(a);
    const b = rows();
    addDemoForms(b);
    expect(a).toEqual(b);
    for (const v of a.form_versions) expect(formDefinition.safeParse(JSON.parse(String(v.definition))).success).toBe(true);
    const store = formDefinition.parse(JSON.parse(String(a.form_versions[0].definition)));
    expect(store.questions.find((x) => x.type === 'shelf')?.products).toEqual(['prd_001', 'prd_002', 'prd_003', 'prd_004', 'prd_005']);
    expect(a.form_assignments.filter((x) => x.form_id === 'frm_store_check').map((x) => x.target)).toEqual(['retail', 'rural', 'urban']);
    expect(a.form_assignments.find((x) => x.form_id === 'frm_training')).toMatchObject({ target_kind: 'visit_type', target: 'training' });
  });
});
