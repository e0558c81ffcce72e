// Visit forms over the API: HQ builds and versions them, a rep's phone fetches the ones that
// apply to a visit, and the server checks a submission against the version it was filled in.
// A response is a document the rep named in its id fills in; once submitted it stays as sent.
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { DemoRows } from '../../core/demo/generate.ts';
import { makeDocId, parseDocId } from '../../core/docs/id.ts';
import { body, initDoc } from '../../core/docs/schema.ts';
import type { FormDefinition } from '../../core/forms/definition.ts';
import { seedDemo, signIn, tableDigest, type Api } from './fixtures.ts';

interface FormItem { id: string; name: string; latestVersion: number; archived: boolean; assignments: Array<{ kind: string; target: string }>; definition?: FormDefinition }
interface ErrorBody { error: { code: string; message: string; fields?: Record<string, string> } }

const FORM_TABLES = ['forms', 'form_versions', 'form_assignments'];
let rows: DemoRows;
let hq: Api;
let rep: Api;
let repDealer: { id: string; segments: string[] };

const v1: FormDefinition = { title: 'Price check', questions: [{ id: 'price_ok', label: 'Prices labelled?', type: 'yesno', required: true }] };
const v2: FormDefinition = { title: 'Price check', questions: [...v1.questions, { id: 'labels', label: 'Labels missing', type: 'number', min: 0, max: 100 }] };

beforeAll(async () => {
  rows = await seedDemo();
  hq = await signIn('hq@demo.test');
  rep = await signIn('rep@demo.test');
  const id = String(rows.rep_assignments.find((a) => a.rep_id === 'usr_rep_01')!.dealer_id);
  repDealer = { id, segments: JSON.parse(String(rows.dealers.find((d) => d.id === id)!.segments)) };
});

const create = (api: Api, json: unknown) => api('/api/forms', { method: 'POST', json });

describe('visit forms', () => {
  it('HQ builds a form, publishes version 2, and version 1 stays readable as it was', async () => {
    const res = await create(hq, { name: 'Price check', definition: v1, assignments: [{ kind: 'visit_type', target: 'audit' }] });
    expect(res.status).toBe(201);
    const { form } = await res.json<{ form: FormItem }>();
    expect(form).toMatchObject({ name: 'Price check', latestVersion: 1, archived: false, assignments: [{ kind: 'visit_type', target: 'audit' }], definition: v1 });

    const next = await hq(`/api/forms/${form.id}/versions`, { method: 'POST', json: { definition: v2 } });
    expect(next.status).toBe(201);
    expect((await next.json<{ version: number }>()).version).toBe(2);

    const old = await (await hq(`/api/forms/${form.id}/versions/1`)).json<{ version: number; definition: FormDefinition }>();
    expect(old).toMatchObject({ version: 1, definition: v1 });
    const now = await (await hq(`/api/forms/${form.id}/versions/2`)).json<{ version: number; definition: FormDefinition }>();
    expect(now).toMatchObject({ version: 2, definition: v2 });
    expect((await hq(`/api/forms/${form.id}/versions/3`)).status).toBe(404);
    expect((await hq(`/api/forms/${form.id}/versions/one`)).status).toBe(404);

    const list = await (await hq('/api/forms')).json<{ items: FormItem[] }>();
    expect(list.items.find((f) => f.id === form.id)).toMatchObject({ latestVersion: 2 });
    const audited = await env.DB.prepare("select action from audit_log where entity_type = 'form' and entity_id = ? order by id").bind(form.id).all<{ action: string }>();
    expect(audited.results.map((r) => r.action)).toEqual(['form.create', 'form.version']);
  });

  it('a rep gets the forms that apply to one of its dealers, with definitions for offline use', async () => {
    const own = await (await create(hq, { name: 'Segment form', definition: v1, assignments: [{ kind: 'segment', target: repDealer.segments[0] }] })).json<{ form: FormItem }>();
    const other = await (await create(hq, { name: 'Nobody', definition: v1, assignments: [{ kind: 'segment', target: 'no-such-segment' }] })).json<{ form: FormItem }>();

    const res = await rep(`/api/forms?dealer=${repDealer.id}`);
    expect(res.status).toBe(200);
    const { items } = await res.json<{ items: FormItem[] }>();
    const ids = items.map((f) => f.id);
    expect(ids).toContain(own.form.id);
    expect(ids).toContain('frm_store_check');
    expect(ids).not.toContain(other.form.id);
    expect(ids).not.toContain('frm_training');
    expect(items.find((f) => f.id === 'frm_store_check')!.definition!.title).toBe('Store check');

    const training = await (await rep(`/api/forms?dealer=${repDealer.id}&visitType=training`)).json<{ items: FormItem[] }>();
    expect(training.items.map((f) => f.id)).toEqual(expect.arrayContaining(['frm_store_check', 'frm_training']));

    // Reassigned away from the dealer's segments, the form no longer applies.
    const put = await hq(`/api/forms/${own.form.id}/assignments`, { method: 'PUT', json: { assignments: [{ kind: 'visit_type', target: 'audit' }] } });
    expect(put.status).toBe(200);
    const after = await (await rep(`/api/forms?dealer=${repDealer.id}`)).json<{ items: FormItem[] }>();
    expect(after.items.map((f) => f.id)).not.toContain(own.form.id);
  });

  it('a rep asking about a dealer that is not theirs gets 404', async () => {
    const stranger = rows.rep_assignments.find((a) => a.rep_id !== 'usr_rep_01')!;
    expect((await rep(`/api/forms?dealer=${stranger.dealer_id}`)).status).toBe(404);
  });

  it('a rep cannot build, version or reassign forms (403), and nothing is stored', async () => {
    const before = await tableDigest(...FORM_TABLES);
    expect((await create(rep, { name: 'Mine', definition: v1, assignments: [] })).status).toBe(403);
    expect((await rep('/api/forms/frm_store_check/versions', { method: 'POST', json: { definition: v2 } })).status).toBe(403);
    expect((await rep('/api/forms/frm_store_check/assignments', { method: 'PUT', json: { assignments: [] } })).status).toBe(403);
    expect(await tableDigest(...FORM_TABLES)).toBe(before);
  });

  it('a bad definition is refused with 400 naming the field, and nothing is stored', async () => {
    const before = await tableDigest(...FORM_TABLES);
    const bad = { title: 'Bad', questions: [{ id: 'why', label: 'Why?', type: 'text', showIf: { question: 'ok', equals: false } }, { id: 'ok', label: 'OK?', type: 'yesno' }] };
    const res = await create(hq, { name: 'Bad', definition: bad, assignments: [] });
    expect(res.status).toBe(400);
    const body = await res.json<ErrorBody>();
    expect(body.error.code).toBe('invalid_input');
    expect(body.error.fields).toHaveProperty(['definition.questions.0.showIf.question']);
    expect(body.error.message).toMatch(/earlier question/);
    const noOptions = await create(hq, { name: 'Bad', definition: { title: 'Bad', questions: [{ id: 'c', label: 'C', type: 'single' }] } });
    expect(Object.keys((await noOptions.json<ErrorBody>()).error.fields ?? {})).toContain('definition.questions.0.options');
    const badVersion = await hq('/api/forms/frm_store_check/versions', { method: 'POST', json: { definition: { title: 'x', questions: [] } } });
    expect(badVersion.status).toBe(400);
    expect(await tableDigest(...FORM_TABLES)).toBe(before);
  });

  it('the check refuses a wrong-type answer with 422 and a message per question', async () => {
    const res = await rep('/api/forms/frm_store_check/versions/1/check', { method: 'POST', json: { answers: { display_ok: 'yes', impression: 4, colour: 'red' } } });
    expect(res.status).toBe(422);
    const body = await res.json<ErrorBody>();
    expect(body.error.fields).toEqual({ display_ok: 'Answer yes or no', colour: 'This is not a question of this form' });
    expect(body.error.message).toMatch(/display_ok/);

    const shelf = rows.products.slice(0, 2).map((p) => String(p.id));
    const good = await rep('/api/forms/frm_store_check/versions/1/check', {
      method: 'POST', json: { answers: { display_ok: false, display_why: 'Not delivered', impression: 3, shelf: { [shelf[0]]: { present: true, facings: 2 }, [shelf[1]]: { present: false } } } },
    });
    expect(good.status).toBe(200);
    expect(await good.json()).toEqual({ ok: true });
    expect((await rep('/api/forms/frm_store_check/versions/9/check', { method: 'POST', json: { answers: {} } })).status).toBe(404);
  });
});

describe('form responses', () => {
  const b64 = (u: Uint8Array) => btoa(String.fromCharCode(...u));
  const room = (id: string) => env.DOC_ROOM.get(env.DOC_ROOM.idFromName(id));
  const push = async (api: Api, id: string, doc: Y.Doc, sv = Y.encodeStateVector(new Y.Doc())) => {
    const res = await api('/api/sync', { method: 'POST', json: { docs: [{ doc: id, stateVector: b64(Y.encodeStateVector(doc)), update: b64(Y.encodeStateAsUpdate(doc, sv)) }] } });
    expect(res.status).toBe(200);
    return (await res.json<{ results: Array<{ corrected?: boolean; error?: { code: string } }> }>()).results[0];
  };
  const copyOf = async (id: string) => { const doc = new Y.Doc(); Y.applyUpdate(doc, await room(id).stateAsUpdate()); return { doc, sv: Y.encodeStateVector(doc) }; };

  it('the rep fills in and submits a response; after that its answers stay as sent, and HQ only reads it', async () => {
    const id = makeDocId('form', { repId: 'usr_rep_01', dealerId: repDealer.id }, 'response0001');
    const doc = new Y.Doc();
    initDoc(doc, parseDocId(id), undefined, { formId: 'frm_store_check', formVersion: 1 });
    const answers = body(doc, 'form').get('answers') as Y.Map<unknown>;
    answers.set('display_ok', true);
    answers.set('impression', 4);
    body(doc, 'form').set('status', 'submitted');
    expect(await push(rep, id, doc)).toMatchObject({ corrected: false });
    const sent = ((await room(id).snapshotJson()) as unknown as { meta: Record<string, unknown>; body: Record<string, unknown> });
    expect(sent.meta).toMatchObject({ kind: 'form', repId: 'usr_rep_01', createdBy: 'usr_rep_01' });
    expect(sent.body).toMatchObject({ status: 'submitted', formId: 'frm_store_check', answers: { display_ok: true, impression: 4 } });

    const later = await copyOf(id);
    (body(later.doc, 'form').get('answers') as Y.Map<unknown>).set('impression', 1);
    body(later.doc, 'form').set('status', 'draft');
    expect(await push(rep, id, later.doc, later.sv)).toMatchObject({ corrected: true });
    expect(((await room(id).snapshotJson()) as unknown as { body: unknown }).body).toEqual(sent.body);

    const byHq = await copyOf(id);
    (body(byHq.doc, 'form').get('answers') as Y.Map<unknown>).set('impression', 5);
    expect((await push(hq, id, byHq.doc, byHq.sv)).error?.code).toBe('read_only');
    // HQ reads responses but does not start one.
    const fresh = makeDocId('form', { repId: 'usr_rep_01', dealerId: repDealer.id }, 'response0002');
    const empty = new Y.Doc();
    initDoc(empty, parseDocId(fresh));
    expect((await push(hq, fresh, empty)).error?.code).toBe('not_found');
    expect(await env.DB.prepare('select count(*) as n from documents where id = ?').bind(fresh).first('n')).toBe(0);
  });
});
