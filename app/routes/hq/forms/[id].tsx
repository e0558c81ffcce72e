import { A, useLocation, useNavigate, useParams } from '@solidjs/router';
import { batch, createEffect, createMemo, createResource, createSignal, For, Index, Match, Show, Switch } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import type { AnswerSet, Json } from '../../../../core/docs/schema.ts';
import { isEmptyAnswer, validateAnswer } from '../../../../core/forms/answers.ts';
import { formDefinition, QUESTION_TYPES, RATING_MAX_DEFAULT, type FormDefinition, type Question, type QuestionType } from '../../../../core/forms/definition.ts';
import Shell from '../../../components/Shell.tsx';
import FormView from '../../../field/FormView.tsx';
import { ApiError, get, send } from '../../../lib/api.ts';
import { may } from '../../../lib/access.ts';

// ---------------------------------------------------------------------------------------------
// The draft: what the editor works on. It keeps what the person typed (options as text, numbers
// as text, conditions pointing at a question by its place in the editor rather than its id) so
// that nothing jumps while typing; toDefinition turns it into a form definition to check.

type AssignmentKind = 'segment' | 'visit_type';
interface FormSummary { id: string; name: string; archived: boolean; latestVersion: number; createdAt: string; assignments: Array<{ kind: AssignmentKind; target: string }> }
interface VersionBody { form: { id: string; name: string; archived: boolean; latestVersion: number }; version: number; definition: FormDefinition; createdBy: string; createdAt: string }
interface Product { id: string; sku?: string; name: string }

interface DraftQuestion {
  key: number;
  id: string;
  // Once someone types the id (or it comes from a published version) the label no longer renames it:
  // answers are stored under the id.
  idTouched: boolean;
  label: string;
  type: QuestionType;
  required: boolean;
  optionsText: string;
  min: string;
  max: string;
  products: string[];
  cond: { source: number | null; equals: string };
}
interface Draft { title: string; name: string; questions: DraftQuestion[] }

const TYPE_LABEL: Record<QuestionType, string> = {
  text: 'Text', number: 'Number', single: 'Single choice', multi: 'Multiple choice', yesno: 'Yes / no',
  date: 'Date', rating: 'Rating', photo: 'Photo', signature: 'Signature', shelf: 'Shelf audit (products grid)',
};
const CONDITION_SOURCES: readonly QuestionType[] = ['text', 'number', 'single', 'multi', 'yesno', 'date', 'rating'];
const TARGET_MAX = 40;

let nextKey = 1;
const blankQuestion = (): DraftQuestion => ({
  key: nextKey++, id: '', idTouched: false, label: '', type: 'text', required: false,
  optionsText: '', min: '', max: '', products: [], cond: { source: null, equals: '' },
});

function slugify(label: string): string {
  let s = label.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  s = s.slice(0, 40).replace(/_+$/, '');
  if (s && !/^[a-z]/.test(s)) s = `q_${s}`;
  return s;
}

function uniqueId(base: string, taken: Set<string>): string {
  const root = base || 'question';
  let id = root;
  for (let n = 2; taken.has(id); n++) id = `${root}_${n}`;
  return id;
}

function fromDefinition(def: FormDefinition, name: string): Draft {
  const questions = def.questions.map((q): DraftQuestion => ({
    key: nextKey++, id: q.id, idTouched: true, label: q.label, type: q.type, required: !!q.required,
    optionsText: (q.options ?? []).join('\n'),
    min: q.min === undefined ? '' : String(q.min), max: q.max === undefined ? '' : String(q.max),
    products: [...(q.products ?? [])], cond: { source: null, equals: '' },
  }));
  def.questions.forEach((q, i) => {
    if (!q.showIf) return;
    const source = questions.find((d) => d.id === q.showIf!.question);
    questions[i].cond = { source: source?.key ?? null, equals: String(q.showIf.equals) };
  });
  return { title: def.title, name, questions };
}

const parseNumber = (raw: string): number | undefined | null => {
  const t = raw.trim().replace(',', '.');
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
};

// The value a condition compares with, typed after its source question; undefined with a message
// when what was entered cannot be that.
function conditionValue(source: DraftQuestion, raw: string): { value: string | number | boolean } | { problem: string } {
  switch (source.type) {
    case 'yesno': return raw === 'true' ? { value: true } : raw === 'false' ? { value: false } : { problem: 'Choose yes or no' };
    case 'number': case 'rating': {
      const n = parseNumber(raw);
      return typeof n === 'number' ? { value: n } : { problem: 'Enter the number to compare with' };
    }
    case 'single': case 'multi': return raw ? { value: raw } : { problem: 'Choose the option to compare with' };
    default: return raw.trim() ? { value: raw.trim() } : { problem: 'Enter the value to compare with' };
  }
}

function toDefinition(d: Draft): { definition: unknown; local: Record<string, string> } {
  const local: Record<string, string> = {};
  const byKey = new Map(d.questions.map((q) => [q.key, q]));
  const questions = d.questions.map((q, i) => {
    const out: Record<string, unknown> = { id: q.id.trim(), label: q.label, type: q.type };
    if (q.required) out.required = true;
    const num = (field: 'min' | 'max') => {
      const n = parseNumber(q[field]);
      if (n === null) local[`questions.${i}.${field}`] = 'Enter a number';
      else if (n !== undefined) out[field] = n;
    };
    if (q.type === 'single' || q.type === 'multi') out.options = q.optionsText.split('\n').map((s) => s.trim()).filter(Boolean);
    if (q.type === 'number') { num('min'); num('max'); }
    if (q.type === 'rating') num('max');
    if (q.type === 'shelf') out.products = [...q.products];
    if (q.cond.source !== null) {
      const source = byKey.get(q.cond.source);
      if (!source) local[`questions.${i}.showIf.question`] = 'The question this depended on was removed';
      else {
        const v = conditionValue(source, q.cond.equals);
        if ('problem' in v) local[`questions.${i}.showIf.equals`] = v.problem;
        else out.showIf = { question: source.id.trim(), equals: v.value };
      }
    }
    return out;
  });
  return { definition: { title: d.title, questions }, local };
}

// What the preview can render while the draft is still half-written: questions with a usable,
// unique id, and only the settings their type has.
function previewDefinition(def: unknown): FormDefinition {
  const d = def as { title: string; questions: Array<Record<string, unknown>> };
  const seen = new Set<string>();
  const questions: Question[] = [];
  for (const q of d.questions) {
    const id = String(q.id);
    if (!/^[a-z][a-z0-9_-]{0,63}$/.test(id) || seen.has(id)) continue;
    seen.add(id);
    const copy = { ...q, label: String(q.label).trim() || '(no question text yet)' } as unknown as Question;
    if (copy.type === 'rating' && copy.max !== undefined && !(Number.isInteger(copy.max) && copy.max >= 2 && copy.max <= 10)) delete copy.max;
    if (copy.options) copy.options = [...new Set(copy.options)];
    questions.push(copy);
  }
  return { title: d.title.trim() || 'Untitled form', questions };
}

const splitList = (s: string) => [...new Set(s.split(',').map((x) => x.trim()).filter(Boolean))];

// A zod or server path, written as dots: questions.2.options.1 → the options of question 3.
const stripDefinition = (fields: Record<string, string>) =>
  Object.fromEntries(Object.entries(fields).map(([k, v]) => [k.startsWith('definition.') ? k.slice('definition.'.length) : k === 'definition' ? '_' : k, v]));

const QUESTION_FIELDS = ['id', 'label', 'type', 'options', 'min', 'max', 'products', 'showIf.question', 'showIf.equals'] as const;
type QuestionField = (typeof QUESTION_FIELDS)[number] | 'other';

function questionField(rest: string): QuestionField {
  for (const f of QUESTION_FIELDS) if (rest === f || rest.startsWith(`${f}.`)) return f;
  if (rest === 'showIf') return 'showIf.question';
  return 'other';
}

// ---------------------------------------------------------------------------------------------

export default function HqFormPage() {
  const params = useParams<{ id: string }>();
  return (
    <Shell face="hq" need={params.id === 'new' ? 'forms:manage' : 'forms:read'}>
      <p class="crumbs"><A href="/hq/forms">Forms</A></p>
      <Show when={params.id} keyed>{(id) => <FormEditor id={id} />}</Show>
    </Shell>
  );
}

function FormEditor(props: { id: string }) {
  const navigate = useNavigate();
  const location = useLocation<{ saved?: string }>();
  const isNew = props.id === 'new';
  const manage = () => may('forms:manage');

  const [meta, { refetch: refetchMeta }] = createResource(() => (isNew ? false : props.id), async (id) => {
    const list = await get<{ items: FormSummary[] }>('/api/forms');
    const form = list.items.find((f) => f.id === id);
    if (!form) throw new ApiError(404, 'not_found', 'Form was not found.');
    return form;
  });
  const [latest] = createResource(() => meta()?.latestVersion, (v) =>
    get<VersionBody>(`/api/forms/${encodeURIComponent(props.id)}/versions/${v}`));
  const [products] = createResource(() => get<{ items: Product[] }>('/api/products?pageSize=200').then((r) => r.items).catch(() => [] as Product[]));
  // There is no segments endpoint: the segments in use are read off the dealers and the forms.
  const [knownTargets] = createResource(manage, async () => {
    const [dealersPage, forms] = await Promise.all([
      get<{ items: Array<{ segments?: string[] }> }>('/api/dealers?pageSize=200').catch(() => ({ items: [] })),
      get<{ items: FormSummary[] }>('/api/forms').catch(() => ({ items: [] as FormSummary[] })),
    ]);
    const segments = new Set<string>();
    const visitTypes = new Set<string>();
    for (const d of dealersPage.items) for (const s of d.segments ?? []) segments.add(s);
    for (const f of forms.items) for (const a of f.assignments) (a.kind === 'segment' ? segments : visitTypes).add(a.target);
    return { segments: [...segments].sort(), visitTypes: [...visitTypes].sort() };
  });

  const [draft, setDraft] = createStore<Draft>({ title: '', name: '', questions: isNew ? [blankQuestion()] : [] });
  const [segments, setSegments] = createSignal<string[]>([]);
  const [otherSegments, setOtherSegments] = createSignal('');
  const [visitTypes, setVisitTypes] = createSignal('');
  const [baseJson, setBaseJson] = createSignal<string | null>(null);
  const [ready, setReady] = createSignal(isNew);

  // The published version the draft started from; later refetches leave the draft alone.
  createEffect(() => {
    if (ready() || latest.error || meta.error) return;
    const l = latest();
    const m = meta();
    if (!l || !m) return;
    batch(() => {
      setDraft(fromDefinition(l.definition, m.name));
      setSegments(m.assignments.filter((a) => a.kind === 'segment').map((a) => a.target));
      setVisitTypes(m.assignments.filter((a) => a.kind === 'visit_type').map((a) => a.target).join(', '));
      setBaseJson(JSON.stringify(l.definition));
      setReady(true);
    });
  });

  const built = createMemo(() => toDefinition(draft));
  const parsed = createMemo(() => formDefinition.safeParse(built().definition));
  const [showErrors, setShowErrors] = createSignal(false);
  const [serverErrors, setServerErrors] = createSignal<Record<string, string>>({});
  const [message, setMessage] = createSignal(location.state?.saved ?? '');
  const [failure, setFailure] = createSignal('');
  const [busy, setBusy] = createSignal(false);

  const assignmentList = () => [
    ...[...new Set([...segments(), ...splitList(otherSegments())])].map((target) => ({ kind: 'segment' as const, target })),
    ...splitList(visitTypes()).map((target) => ({ kind: 'visit_type' as const, target })),
  ];
  const localAssignmentError = () => {
    const long = assignmentList().find((a) => a.target.length > TARGET_MAX);
    return long ? `"${long.target}" is too long: at most ${TARGET_MAX} characters` : null;
  };

  // Every problem, keyed by its path: the draft's own (numbers that are not numbers), then zod's,
  // then what the server said on the last save.
  const allErrors = createMemo(() => {
    const out: Record<string, string> = {};
    if (showErrors()) {
      Object.assign(out, built().local);
      const p = parsed();
      if (!p.success) for (const issue of p.error.issues) { const k = issue.path.join('.') || '_'; out[k] ??= issue.message; }
      const a = localAssignmentError();
      if (a) out.assignments ??= a;
    }
    for (const [k, v] of Object.entries(serverErrors())) out[k] ??= v;
    return out;
  });
  const questionErrors = createMemo(() => {
    const byQuestion = new Map<number, Partial<Record<QuestionField, string>>>();
    const other: Record<string, string> = {};
    for (const [k, v] of Object.entries(allErrors())) {
      const m = /^questions\.(\d+)(?:\.(.*))?$/.exec(k);
      if (!m) { other[k] = v; continue; }
      if (m[2] === undefined) { other[k] = v; continue; }
      const i = Number(m[1]);
      const f = questionField(m[2]);
      const entry = byQuestion.get(i) ?? {};
      entry[f] ??= v;
      byQuestion.set(i, entry);
    }
    return { byQuestion, other };
  });
  const errOf = (i: number, f: QuestionField) => questionErrors().byQuestion.get(i)?.[f];
  const assignmentError = () => Object.entries(allErrors()).find(([k]) => k === 'assignments' || k.startsWith('assignments.'))?.[1];
  const errorCount = () => Object.keys(allErrors()).length;

  const updateQuestion = (key: number, patch: Partial<DraftQuestion>) => setDraft('questions', (q) => q.key === key, patch);
  const setLabel = (q: DraftQuestion, label: string) => {
    if (q.idTouched) return updateQuestion(q.key, { label });
    const taken = new Set(draft.questions.filter((o) => o.key !== q.key).map((o) => o.id));
    updateQuestion(q.key, { label, id: uniqueId(slugify(label), taken) });
  };
  const focusLater = (selector: string) => queueMicrotask(() => requestAnimationFrame(() => document.querySelector<HTMLElement>(selector)?.focus()));
  const addQuestion = () => {
    const q = blankQuestion();
    setDraft('questions', (list) => [...list, q]);
    focusLater(`#fb-${q.key}-label`);
  };
  const move = (key: number, by: -1 | 1) => {
    const list = [...draft.questions];
    const i = list.findIndex((q) => q.key === key);
    const j = i + by;
    if (i < 0 || j < 0 || j >= list.length) return;
    [list[i], list[j]] = [list[j], list[i]];
    setDraft('questions', list);
    // The other direction once at the top or bottom, so focus stays on a working button.
    const edge = by < 0 ? j === 0 : j === list.length - 1;
    focusLater(`#fb-${key}-${edge ? (by < 0 ? 'down' : 'up') : by < 0 ? 'up' : 'down'}`);
  };
  const remove = (key: number) => {
    const q = draft.questions.find((x) => x.key === key);
    const dependents = draft.questions.filter((x) => x.cond.source === key).length;
    if (dependents && !confirm(`${dependents} question${dependents === 1 ? ' depends' : 's depend'} on "${q?.label || 'this question'}". Remove it and show ${dependents === 1 ? 'that question' : 'them'} always?`)) return;
    batch(() => {
      setDraft('questions', (x) => x.cond.source === key, 'cond', { source: null, equals: '' });
      setDraft('questions', (list) => list.filter((x) => x.key !== key));
    });
    focusLater('#fb-add');
  };

  // The live preview: a store reconciled by question id, so the phone form is updated in place.
  const [preview, setPreview] = createStore<FormDefinition>({ title: '', questions: [] });
  createEffect(() => setPreview(reconcile(previewDefinition(built().definition), { key: 'id', merge: false })));
  const [previewAnswers, setPreviewAnswers] = createSignal<AnswerSet | undefined>();
  const previewValue = (): AnswerSet => {
    const set = previewAnswers();
    const values: Record<string, Json> = {};
    // Answers that no longer fit a question whose type or options changed are dropped.
    for (const [qid, v] of Object.entries(set?.values ?? {})) {
      const q = preview.questions.find((x) => x.id === qid);
      if (q && !isEmptyAnswer(v) && validateAnswer({ ...q, required: false }, v) === null) values[qid] = v;
    }
    return { formId: 'preview', version: 1, values, ...(set?.submittedAt ? { submittedAt: set.submittedAt } : {}) };
  };
  const previewForm = { id: 'preview', get name() { return draft.title || 'Untitled form'; }, latestVersion: 1, definition: preview };

  const save = async () => {
    setShowErrors(true); setServerErrors({}); setMessage(''); setFailure('');
    const p = parsed();
    if (!p.success || Object.keys(built().local).length || localAssignmentError()) {
      setFailure(`Not saved: fix the ${errorCount() === 1 ? 'problem' : `${errorCount()} problems`} marked below.`);
      focusLater('#fb-problems');
      return;
    }
    const definition = p.data;
    const assignments = assignmentList();
    setBusy(true);
    try {
      if (isNew) {
        const res = await send<{ form: { id: string } }>('POST', '/api/forms', { name: draft.name.trim() || definition.title, definition, assignments });
        navigate(`/hq/forms/${encodeURIComponent(res.form.id)}`, { replace: true, state: { saved: `Form created: version 1 is published.` } });
        return;
      }
      let published: number | null = null;
      if (JSON.stringify(definition) !== baseJson()) {
        const res = await send<{ version: number }>('POST', `/api/forms/${encodeURIComponent(props.id)}/versions`, { definition });
        published = res.version;
        setBaseJson(JSON.stringify(definition));
      }
      await send('PUT', `/api/forms/${encodeURIComponent(props.id)}/assignments`, { assignments });
      await refetchMeta();
      setShowErrors(false);
      setMessage(published ? `Version ${published} is published. Visits already filled in keep their version.` : 'The questions did not change, so no new version was published. Assignments saved.');
    } catch (e) {
      if (e instanceof ApiError && e.fields) setServerErrors(stripDefinition(e.fields));
      setFailure(e instanceof Error ? e.message : 'Saving did not work. Try again.');
      focusLater('#fb-problems');
    } finally {
      setBusy(false);
    }
  };

  // Version history: each published version, readable as the phone showed it.
  const [viewing, setViewing] = createSignal<number | null>(null);
  // Without the right to edit, the page opens on the latest version as the phone shows it.
  let opened = false;
  createEffect(() => {
    if (opened || manage() || meta.error || !meta()) return;
    opened = true;
    setViewing(meta()!.latestVersion);
  });
  const [viewed] = createResource(viewing, (v) => get<VersionBody>(`/api/forms/${encodeURIComponent(props.id)}/versions/${v}`));
  const startFrom = (v: VersionBody) => {
    if (!confirm(`Replace the draft with the questions of version ${v.version}?`)) return;
    setDraft(fromDefinition(v.definition, draft.name));
    setMessage(`The draft now holds the questions of version ${v.version}. Saving publishes them as version ${(meta()?.latestVersion ?? 0) + 1}.`);
  };

  const questionLabel = (q: DraftQuestion, i: number) => `${i + 1}. ${q.label.trim() || '(no question text yet)'}`;
  const linkFor = (k: string): string => {
    const m = /^questions\.(\d+)(?:\.(.*))?$/.exec(k);
    if (m) {
      const q = draft.questions[Number(m[1])];
      if (!q) return '#fb-questions';
      const f = m[2] === undefined ? 'other' : questionField(m[2]);
      const target = f === 'showIf.question' ? 'showIf' : f === 'showIf.equals' ? 'equals' : f === 'other' ? 'label' : f;
      return `#fb-${q.key}-${target}`;
    }
    if (k === 'title') return '#fb-title';
    if (k === 'name') return '#fb-name';
    if (k.startsWith('assignments')) return '#fb-visit-types';
    return '#fb-questions';
  };
  const describe = (k: string): string => {
    const m = /^questions\.(\d+)/.exec(k);
    if (m) return `Question ${Number(m[1]) + 1}`;
    if (k === 'title') return 'Title';
    if (k === 'name') return 'Name';
    if (k === 'questions') return 'Questions';
    if (k.startsWith('assignments')) return 'Assignments';
    return 'Form';
  };

  return (
    <Show when={isNew || !meta.error} fallback={<><h1>Form</h1><p role="alert">{(meta.error as Error)?.message ?? 'This form could not be loaded.'}</p></>}>
      <div class="fb-head">
        <h1>{isNew ? 'New form' : meta()?.name ?? 'Form'}</h1>
        <Show when={!isNew && meta()}>
          <span class="badge">Version {meta()!.latestVersion}</span>
          <Show when={meta()!.archived}><span class="badge warn">archived</span></Show>
        </Show>
      </div>
      <div role="status" aria-live="polite" class="fb-status">{message()}</div>

      <Show when={isNew && !manage()}><p>Your account does not build forms.</p></Show>
      <Show when={!ready() && !isNew}><p class="hint" role={latest.error ? 'alert' : undefined}>{latest.error ? (latest.error as Error).message : 'Loading the form…'}</p></Show>

      <div class="fb-layout">
        <Show when={manage() && ready()}>
          <section class="fb-editor" aria-labelledby="fb-editor-h">
            <h2 id="fb-editor-h">{isNew ? 'Build the form' : 'Edit the questions'}</h2>
            <div id="fb-problems" tabindex="-1">
              <Show when={failure()}>
                <div class="fb-problems" role="alert">
                  <p>{failure()}</p>
                  <Show when={errorCount()}>
                    <ul>
                      <For each={Object.entries(allErrors())}>{([k, v]) => <li><a href={linkFor(k)} onClick={(e) => { e.preventDefault(); document.querySelector<HTMLElement>(linkFor(k))?.focus(); }}>{describe(k)}: {v}</a></li>}</For>
                    </ul>
                  </Show>
                </div>
              </Show>
            </div>

            <div class="fb-card stack">
              <label for="fb-title">Title (shown on the phone)</label>
              <input id="fb-title" value={draft.title} maxLength={200} aria-invalid={!!allErrors().title} aria-describedby={allErrors().title ? 'fb-title-err' : undefined}
                onInput={(e) => setDraft('title', e.currentTarget.value)} />
              <Show when={allErrors().title}><p id="fb-title-err" class="field-error">{allErrors().title}</p></Show>
              <Show when={isNew}>
                <label for="fb-name">Name in HQ lists <span class="hint">(optional, the title when empty)</span></label>
                <input id="fb-name" value={draft.name} maxLength={200} aria-invalid={!!allErrors().name} onInput={(e) => setDraft('name', e.currentTarget.value)} />
                <Show when={allErrors().name}><p class="field-error">{allErrors().name}</p></Show>
              </Show>
            </div>

            <h3 id="fb-questions" tabindex="-1">Questions</h3>
            <Show when={allErrors().questions}><p class="field-error">{allErrors().questions}</p></Show>
            <Show when={questionErrors().other._}><p class="field-error">{questionErrors().other._}</p></Show>
            <ol class="fb-questions">
              <For each={draft.questions}>{(q, i) => {
                const err = (f: QuestionField) => errOf(i(), f);
                const fid = (f: string) => `fb-${q.key}-${f}`;
                const described = (f: QuestionField, base: string) => (err(f) ? `${fid(base)}-err` : undefined);
                const sources = () => draft.questions.slice(0, i()).filter((o) => CONDITION_SOURCES.includes(o.type));
                const source = () => draft.questions.find((o) => o.key === q.cond.source);
                const productName = (id: string) => products()?.find((p) => p.id === id)?.name ?? id;
                const [filter, setFilter] = createSignal('');
                const shownProducts = () => {
                  const f = filter().trim().toLowerCase();
                  const all = products() ?? [];
                  return f ? all.filter((p) => p.name.toLowerCase().includes(f) || (p.sku ?? '').toLowerCase().includes(f)) : all;
                };
                return (
                  <li class="fb-question" data-key={q.key} data-question={q.id}>
                    <fieldset>
                      <legend>Question {i() + 1}</legend>
                      <Show when={err('other')}><p class="field-error">{err('other')}</p></Show>
                      <div class="fb-row">
                        <div class="fb-field fb-grow">
                          <label for={fid('label')}>Question text</label>
                          <input id={fid('label')} value={q.label} maxLength={500} aria-invalid={!!err('label')} aria-describedby={described('label', 'label')}
                            onInput={(e) => setLabel(q, e.currentTarget.value)} />
                          <Show when={err('label')}><p id={`${fid('label')}-err`} class="field-error">{err('label')}</p></Show>
                        </div>
                        <div class="fb-field">
                          <label for={fid('type')}>Answer type</label>
                          <select id={fid('type')} value={q.type} aria-invalid={!!err('type')} onChange={(e) => updateQuestion(q.key, { type: e.currentTarget.value as QuestionType })}>
                            <For each={QUESTION_TYPES}>{(t) => <option value={t}>{TYPE_LABEL[t]}</option>}</For>
                          </select>
                          <Show when={err('type')}><p class="field-error">{err('type')}</p></Show>
                        </div>
                      </div>
                      <div class="fb-row">
                        <div class="fb-field fb-grow">
                          <label for={fid('id')}>Id <span class="hint">(answers are stored under it; keep it when rewording)</span></label>
                          <input id={fid('id')} value={q.id} maxLength={64} autocapitalize="off" spellcheck={false} aria-invalid={!!err('id')} aria-describedby={described('id', 'id')}
                            onInput={(e) => updateQuestion(q.key, { id: e.currentTarget.value, idTouched: true })} />
                          <Show when={err('id')}><p id={`${fid('id')}-err`} class="field-error">{err('id')}</p></Show>
                        </div>
                        <label class="fb-check"><input type="checkbox" checked={q.required} onChange={(e) => updateQuestion(q.key, { required: e.currentTarget.checked })} />Required</label>
                      </div>

                      <Switch>
                        <Match when={q.type === 'single' || q.type === 'multi'}>
                          <div class="fb-field">
                            <label for={fid('options')}>Options, one per line</label>
                            <textarea id={fid('options')} rows={4} value={q.optionsText} aria-invalid={!!err('options')} aria-describedby={described('options', 'options')}
                              onInput={(e) => updateQuestion(q.key, { optionsText: e.currentTarget.value })} />
                            <Show when={err('options')}><p id={`${fid('options')}-err`} class="field-error">{err('options')}</p></Show>
                          </div>
                        </Match>
                        <Match when={q.type === 'number'}>
                          <div class="fb-row">
                            <div class="fb-field">
                              <label for={fid('min')}>Minimum</label>
                              <input id={fid('min')} inputmode="decimal" value={q.min} aria-invalid={!!err('min')} aria-describedby={described('min', 'min')}
                                onInput={(e) => updateQuestion(q.key, { min: e.currentTarget.value })} />
                              <Show when={err('min')}><p id={`${fid('min')}-err`} class="field-error">{err('min')}</p></Show>
                            </div>
                            <div class="fb-field">
                              <label for={fid('max')}>Maximum</label>
                              <input id={fid('max')} inputmode="decimal" value={q.max} aria-invalid={!!err('max')} aria-describedby={described('max', 'max')}
                                onInput={(e) => updateQuestion(q.key, { max: e.currentTarget.value })} />
                              <Show when={err('max')}><p id={`${fid('max')}-err`} class="field-error">{err('max')}</p></Show>
                            </div>
                          </div>
                        </Match>
                        <Match when={q.type === 'rating'}>
                          <div class="fb-field fb-narrow">
                            <label for={fid('max')}>Highest rating (2 to 10)</label>
                            <input id={fid('max')} inputmode="numeric" placeholder={String(RATING_MAX_DEFAULT)} value={q.max} aria-invalid={!!err('max')} aria-describedby={described('max', 'max')}
                              onInput={(e) => updateQuestion(q.key, { max: e.currentTarget.value })} />
                            <Show when={err('max')}><p id={`${fid('max')}-err`} class="field-error">{err('max')}</p></Show>
                          </div>
                        </Match>
                        <Match when={q.type === 'shelf'}>
                          <fieldset class="fb-products" aria-describedby={described('products', 'products')}>
                            <legend>Shelf products ({q.products.length} chosen)</legend>
                            <p class="hint">The rep records for each: present, price seen, facings, out of stock.</p>
                            <Show when={q.products.length}>
                              <p class="fb-chosen">{q.products.map(productName).join(', ')}</p>
                            </Show>
                            <label for={fid('products')}>Find a product</label>
                            <input id={fid('products')} type="search" value={filter()} onInput={(e) => setFilter(e.currentTarget.value)} />
                            <div class="fb-product-list">
                              <Show when={products()} fallback={<p class="hint">Loading products…</p>}>
                                <For each={shownProducts()} fallback={<p class="hint">No product matches.</p>}>{(p) => (
                                  <label class="fb-check"><input type="checkbox" checked={q.products.includes(p.id)}
                                    onChange={(e) => updateQuestion(q.key, { products: e.currentTarget.checked ? [...q.products, p.id] : q.products.filter((x) => x !== p.id) })} />
                                    <span>{p.name}<Show when={p.sku}> <span class="hint">{p.sku}</span></Show></span></label>
                                )}</For>
                              </Show>
                            </div>
                            <Show when={err('products')}><p id={`${fid('products')}-err`} class="field-error">{err('products')}</p></Show>
                          </fieldset>
                        </Match>
                      </Switch>

                      <fieldset class="fb-condition">
                        <legend>Condition</legend>
                        <div class="fb-row">
                          <div class="fb-field fb-grow">
                            <label for={fid('showIf')}>Show only if</label>
                            <select id={fid('showIf')} value={q.cond.source === null ? '' : String(q.cond.source)} aria-invalid={!!err('showIf.question')} aria-describedby={described('showIf.question', 'showIf')}
                              onChange={(e) => updateQuestion(q.key, { cond: { source: e.currentTarget.value ? Number(e.currentTarget.value) : null, equals: '' } })}>
                              <option value="">Always show this question</option>
                              <For each={sources()}>{(o) => <option value={String(o.key)}>{questionLabel(o, draft.questions.indexOf(o))}</option>}</For>
                              <Show when={source() && !sources().includes(source()!)}>
                                <option value={String(source()!.key)}>{questionLabel(source()!, draft.questions.indexOf(source()!))} (must come earlier)</option>
                              </Show>
                            </select>
                            <Show when={err('showIf.question')}><p id={`${fid('showIf')}-err`} class="field-error">{err('showIf.question')}</p></Show>
                          </div>
                          <Show when={source()}>
                            <div class="fb-field">
                              <label for={fid('equals')}>equals</label>
                              <Switch fallback={
                                <input id={fid('equals')} type={source()!.type === 'date' ? 'date' : 'text'} value={q.cond.equals} aria-invalid={!!err('showIf.equals')} aria-describedby={described('showIf.equals', 'equals')}
                                  onInput={(e) => updateQuestion(q.key, { cond: { ...q.cond, equals: e.currentTarget.value } })} />
                              }>
                                <Match when={source()!.type === 'yesno'}>
                                  <select id={fid('equals')} value={q.cond.equals} aria-invalid={!!err('showIf.equals')} aria-describedby={described('showIf.equals', 'equals')}
                                    onChange={(e) => updateQuestion(q.key, { cond: { ...q.cond, equals: e.currentTarget.value } })}>
                                    <option value="">Choose…</option><option value="true">Yes</option><option value="false">No</option>
                                  </select>
                                </Match>
                                <Match when={source()!.type === 'single' || source()!.type === 'multi'}>
                                  <select id={fid('equals')} value={q.cond.equals} aria-invalid={!!err('showIf.equals')} aria-describedby={described('showIf.equals', 'equals')}
                                    onChange={(e) => updateQuestion(q.key, { cond: { ...q.cond, equals: e.currentTarget.value } })}>
                                    <option value="">Choose…</option>
                                    <For each={splitOptions(source()!.optionsText)}>{(o) => <option value={o}>{o}</option>}</For>
                                    <Show when={q.cond.equals && !splitOptions(source()!.optionsText).includes(q.cond.equals)}><option value={q.cond.equals}>{q.cond.equals} (no longer an option)</option></Show>
                                  </select>
                                </Match>
                                <Match when={source()!.type === 'number' || source()!.type === 'rating'}>
                                  <input id={fid('equals')} inputmode="decimal" value={q.cond.equals} aria-invalid={!!err('showIf.equals')} aria-describedby={described('showIf.equals', 'equals')}
                                    onInput={(e) => updateQuestion(q.key, { cond: { ...q.cond, equals: e.currentTarget.value } })} />
                                </Match>
                              </Switch>
                              <Show when={err('showIf.equals')}><p id={`${fid('equals')}-err`} class="field-error">{err('showIf.equals')}</p></Show>
                            </div>
                          </Show>
                        </div>
                        <Show when={!sources().length && !source()}><p class="hint">A condition needs an earlier text, number, choice, yes/no, date or rating question.</p></Show>
                      </fieldset>

                      <div class="fb-actions">
                        <button type="button" id={fid('up')} disabled={i() === 0} aria-label={`Move question ${i() + 1} up`} onClick={() => move(q.key, -1)}>Up</button>
                        <button type="button" id={fid('down')} disabled={i() === draft.questions.length - 1} aria-label={`Move question ${i() + 1} down`} onClick={() => move(q.key, 1)}>Down</button>
                        <button type="button" class="fb-danger" aria-label={`Remove question ${i() + 1}`} onClick={() => remove(q.key)}>Remove</button>
                      </div>
                    </fieldset>
                  </li>
                );
              }}</For>
            </ol>
            <button type="button" id="fb-add" onClick={addQuestion}>Add question</button>

            <fieldset class="fb-card fb-assign" aria-describedby={assignmentError() ? 'fb-assign-err' : undefined}>
              <legend>Where the form applies</legend>
              <fieldset class="fb-segments">
                <legend>Dealer segments</legend>
                <Show when={(knownTargets()?.segments ?? []).length || segments().length} fallback={<p class="hint">No segments found on dealers yet.</p>}>
                  <div class="fb-checks">
                    <For each={[...new Set([...(knownTargets()?.segments ?? []), ...segments()])].sort()}>{(s) => (
                      <label class="fb-check"><input type="checkbox" checked={segments().includes(s)}
                        onChange={(e) => setSegments((list) => (e.currentTarget.checked ? [...list, s] : list.filter((x) => x !== s)))} />{s}</label>
                    )}</For>
                  </div>
                </Show>
                <label for="fb-other-segments">Other segments, comma-separated</label>
                <input id="fb-other-segments" value={otherSegments()} onInput={(e) => setOtherSegments(e.currentTarget.value)} />
              </fieldset>
              <label for="fb-visit-types">Visit types, comma-separated</label>
              <input id="fb-visit-types" value={visitTypes()} placeholder="routine, training" aria-describedby="fb-visit-types-hint" onInput={(e) => setVisitTypes(e.currentTarget.value)} />
              <p id="fb-visit-types-hint" class="hint">For example routine, training, audit.<Show when={knownTargets()?.visitTypes.length}> In use: {knownTargets()!.visitTypes.join(', ')}.</Show></p>
              <Show when={assignmentError()}><p id="fb-assign-err" class="field-error">{assignmentError()}</p></Show>
            </fieldset>

            <div class="fb-save">
              <p class="hint" id="fb-save-hint">{isNew
                ? 'Saving publishes version 1; reps get it on their next visit of a matching dealer or visit type.'
                : `Saving publishes version ${(meta()?.latestVersion ?? 0) + 1}; visits already filled in keep their version.`}</p>
              <button type="button" class="fb-primary" disabled={busy() || meta()?.archived} aria-describedby="fb-save-hint" onClick={() => void save()}>
                {busy() ? 'Saving…' : isNew ? 'Save form' : `Save as version ${(meta()?.latestVersion ?? 0) + 1}`}
              </button>
            </div>
          </section>

          <section class="fb-preview" aria-labelledby="fb-preview-h">
            <h2 id="fb-preview-h">Preview</h2>
            <p class="hint">As a rep sees it on the phone. Try the answers: conditions and checks work here; nothing is saved.</p>
            <FormView form={previewForm} value={previewValue()} dealerId="preview" visitId="preview" readOnly={false}
              onChange={(set) => setPreviewAnswers(set)} onPhoto={() => {}} />
            <button type="button" class="link" onClick={() => setPreviewAnswers(undefined)}>Clear the preview answers</button>
          </section>
        </Show>
      </div>

      <Show when={!isNew && meta()}>
        <section class="fb-history" aria-labelledby="fb-history-h">
          <h2 id="fb-history-h">Versions</h2>
          <Show when={meta()!.assignments}><p class="hint">Applies to: {meta()!.assignments.length ? meta()!.assignments.map((a) => `${a.kind === 'segment' ? 'segment' : 'visit type'} ${a.target}`).join(', ') : 'nothing yet'}</p></Show>
          <ul class="fb-versions">
            <Index each={Array.from({ length: meta()!.latestVersion }, (_, k) => meta()!.latestVersion - k)}>{(v) => (
              <li><button type="button" aria-pressed={viewing() === v()} onClick={() => setViewing(viewing() === v() ? null : v())}>
                Version {v()}{v() === meta()!.latestVersion ? ' (latest)' : ''}</button></li>
            )}</Index>
          </ul>
          <Show when={viewing() !== null}>
            <div class="fb-version" aria-live="polite">
              <Show when={!viewed.loading && !viewed.error && viewed()?.version === viewing() ? viewed() : undefined} keyed fallback={<p class="hint">{viewed.error ? (viewed.error as Error).message : 'Loading…'}</p>}>{(v) => (
                <>
                  <p class="hint">Version {v.version}, published {new Date(v.createdAt).toLocaleString()}. Read-only.</p>
                  <Show when={manage() && ready()}>
                    <button type="button" onClick={() => startFrom(v)}>Start the draft from version {v.version}</button>
                  </Show>
                  <FormView form={{ id: `${props.id}-v${v.version}`, name: v.form.name, latestVersion: v.version, definition: v.definition }}
                    value={undefined} dealerId="preview" visitId="preview" readOnly onChange={() => {}} onPhoto={() => {}} />
                </>
              )}</Show>
            </div>
          </Show>
        </section>
      </Show>
    </Show>
  );
}

const splitOptions = (text: string) => [...new Set(text.split('\n').map((s) => s.trim()).filter(Boolean))];
