// Visit forms over the API: HQ builds and versions them, a rep's phone fetches the ones that
// apply to a visit, and the server checks a submission against the version it was filled in.
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DemoRows } from '../../core/demo/generate.ts';
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
