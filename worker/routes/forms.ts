import { and, eq, sql, type SQL } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { dealers, formAssignments, forms, formVersions, type FormTargetKind } from '../../core/db/schema.ts';
import { validateAnswers } from '../../core/forms/answers.ts';
import type { FormDefinition } from '../../core/forms/definition.ts';
import { formAssignmentsBody, formCheckBody, formCreateBody, formListQuery, formVersionBody, type FormAssignmentInput } from '../../core/validators/forms.ts';
import { audit } from '../audit.ts';
import { newId, readBatch, runBatch, type Db } from '../../server/db.ts';
import { inScope } from '../dealers/queries.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { readId, readJson, readQuery } from '../http/input.ts';
import { requires } from '../middleware/access.ts';
import type { AppEnv } from '../types.ts';

interface FormRow { id: string; name: string; archived: number; createdAt: string; createdBy: string; latestVersion: number; definition?: string }
interface AssignmentRow { formId: string; kind: FormTargetKind; target: string }

// Forms carry no org column: a form belongs to the organisation of the HQ user who built it.
const inOrg = (orgId: string) => sql`f.created_by in (select u.id from users u where u.org_id = ${orgId})`;
const LATEST = sql.raw('(select max(v.version) from form_versions v where v.form_id = f.id)');

async function listForms(db: Db, cond: SQL, withDefinition: boolean) {
  const definition = withDefinition
    ? sql`, (select v.definition from form_versions v where v.form_id = f.id and v.version = ${LATEST}) as definition`
    : sql``;
  const [rows, assigned] = await readBatch<[FormRow, AssignmentRow]>(db, [
    sql`select f.id, f.name, f.archived, f.created_at as createdAt, f.created_by as createdBy, ${LATEST} as latestVersion ${definition}
      from forms f where ${cond} order by f.name, f.id`,
    sql`select a.form_id as formId, a.target_kind as kind, a.target from form_assignments a
      where a.form_id in (select f.id from forms f where ${cond}) order by a.target_kind, a.target`,
  ]);
  const byForm = new Map<string, Array<{ kind: FormTargetKind; target: string }>>();
  for (const a of assigned) {
    const list = byForm.get(a.formId) ?? [];
    list.push({ kind: a.kind, target: a.target });
    byForm.set(a.formId, list);
  }
  return rows.map(({ definition: def, ...f }) => ({
    ...f,
    archived: !!f.archived,
    assignments: byForm.get(f.id) ?? [],
    ...(withDefinition ? { definition: JSON.parse(def ?? 'null') as FormDefinition } : {}),
  }));
}

async function requireForm(c: Context<AppEnv>) {
  const id = readId(c, 'id', 'Form');
  const [form] = await listForms(c.get('db'), sql`f.id = ${id} and ${inOrg(c.get('user')!.orgId)}`, true);
  if (!form) throw notFound('Form');
  return form;
}

// Versions are whole numbers from 1; anything else cannot name one.
function readVersion(c: Context<AppEnv>): number {
  const raw = c.req.param('version') ?? '';
  if (!/^[1-9][0-9]{0,8}$/.test(raw)) throw notFound('Form version');
  return Number(raw);
}

// The same target named twice would break the primary key; it means the same assignment.
function assignmentRows(formId: string, list: FormAssignmentInput[]) {
  const unique = new Map(list.map((a) => [`${a.kind}\u0000${a.target}`, a]));
  return [...unique.values()].map((a) => ({ formId, targetKind: a.kind, target: a.target }));
}

export const formsRoutes = new Hono<AppEnv>()
  .get('/forms', requires('forms:read', { summary: 'Visit forms with their latest version and assignments; with dealer or visitType, only the forms that apply, definitions included for offline use', query: formListQuery }), async (c) => {
    const q = readQuery(c, formListQuery);
    const db = c.get('db');
    const user = c.get('user')!;
    const where: SQL[] = [inOrg(user.orgId)];
    const filtered = q.dealer !== undefined || q.visitType !== undefined;
    if (filtered) {
      // A dealer's segments (the tag list HQ sets for targeting, e.g. retail, urban) decide its
      // forms, not its tier: the tier is the commercial rank that drives price lists, while
      // segments describe the kind of shop, which is what a visit form is written for.
      let segments: string[] = [];
      if (q.dealer) {
        if (!(await inScope(db, c.get('scope')!, q.dealer))) {
          await audit(c, { action: 'forms.for_dealer', entityType: 'dealer', entityId: q.dealer, outcome: 'denied' });
          throw notFound('Dealer');
        }
        segments = (await db.select({ segments: dealers.segments }).from(dealers).where(eq(dealers.id, q.dealer)))[0]?.segments ?? [];
      }
      const applies: SQL[] = [];
      if (segments.length) applies.push(sql`(a.target_kind = 'segment' and a.target in (${sql.join(segments.map((s) => sql`${s}`), sql`, `)}))`);
      if (q.visitType) applies.push(sql`(a.target_kind = 'visit_type' and a.target = ${q.visitType})`);
      where.push(sql`f.archived = 0`);
      where.push(applies.length
        ? sql`exists (select 1 from form_assignments a where a.form_id = f.id and (${sql.join(applies, sql` or `)}))`
        : sql`0`);
    }
    return c.json({ items: await listForms(db, sql.join(where, sql` and `), filtered) });
  })
  .get('/forms/:id/versions/:version', requires('forms:read', { summary: 'One version of a form, as it was built: every version stays readable' }), async (c) => {
    const form = await requireForm(c);
    const version = readVersion(c);
    const row = (await c.get('db').select().from(formVersions).where(and(eq(formVersions.formId, form.id), eq(formVersions.version, version))))[0];
    if (!row) throw notFound('Form version');
    return c.json({ form: { id: form.id, name: form.name, archived: form.archived, latestVersion: form.latestVersion }, version: row.version, definition: row.definition, createdBy: row.createdBy, createdAt: row.createdAt });
  })
  .post('/forms', requires('forms:manage', { summary: 'Build a form: its first version and where it applies', body: formCreateBody }), async (c) => {
    const body = await readJson(c, formCreateBody);
    const db = c.get('db');
    const user = c.get('user')!;
    const id = newId('frm');
    const rows = assignmentRows(id, body.assignments);
    await runBatch(db, [
      db.insert(forms).values({ id, name: body.name, createdBy: user.id }),
      db.insert(formVersions).values({ formId: id, version: 1, definition: body.definition, createdBy: user.id }),
      ...(rows.length ? [db.insert(formAssignments).values(rows)] : []),
    ]);
    await audit(c, { action: 'form.create', entityType: 'form', entityId: id, detail: { name: body.name, questions: body.definition.questions.length, assignments: rows.length } });
    const [form] = await listForms(db, sql`f.id = ${id}`, true);
    return c.json({ form }, 201);
  })
  .post('/forms/:id/versions', requires('forms:manage', { summary: 'Publish a new version of a form; earlier versions stay as they were', body: formVersionBody }), async (c) => {
    const form = await requireForm(c);
    const body = await readJson(c, formVersionBody);
    if (form.archived) throw new ApiError(409, 'conflict', 'This form is archived: build a new form instead.');
    const db = c.get('db');
    // Numbered inside the insert itself, so two editors publishing at once get n+1 and n+2.
    const [row] = await db.all<{ version: number }>(sql`insert into form_versions (form_id, version, definition, created_by)
      select ${form.id}, coalesce(max(version), 0) + 1, ${JSON.stringify(body.definition)}, ${c.get('user')!.id} from form_versions where form_id = ${form.id}
      returning version`);
    await audit(c, { action: 'form.version', entityType: 'form', entityId: form.id, detail: { version: row.version, questions: body.definition.questions.length } });
    return c.json({ form: { id: form.id, name: form.name }, version: row.version, definition: body.definition }, 201);
  })
  .put('/forms/:id/assignments', requires('forms:manage', { summary: 'Replace the dealer segments and visit types a form is assigned to', body: formAssignmentsBody }), async (c) => {
    const form = await requireForm(c);
    const body = await readJson(c, formAssignmentsBody);
    const db = c.get('db');
    const rows = assignmentRows(form.id, body.assignments);
    await runBatch(db, [
      db.delete(formAssignments).where(eq(formAssignments.formId, form.id)),
      ...(rows.length ? [db.insert(formAssignments).values(rows)] : []),
    ]);
    await audit(c, { action: 'form.assign', entityType: 'form', entityId: form.id, detail: { assignments: rows.map((r) => `${r.targetKind}:${r.target}`) } });
    const [updated] = await listForms(db, sql`f.id = ${form.id}`, false);
    return c.json({ form: updated });
  })
  .post('/forms/:id/versions/:version/check', requires('forms:read', { summary: 'Check a submission\'s answers against the version it was filled in', body: formCheckBody }), async (c) => {
    const form = await requireForm(c);
    const version = readVersion(c);
    const body = await readJson(c, formCheckBody);
    const row = (await c.get('db').select({ definition: formVersions.definition }).from(formVersions).where(and(eq(formVersions.formId, form.id), eq(formVersions.version, version))))[0];
    if (!row) throw notFound('Form version');
    const result = validateAnswers(row.definition, body.answers);
    if (!result.ok) {
      const ids = Object.keys(result.errors);
      throw new ApiError(422, 'invalid_input', `Check ${ids.join(', ')}: ${result.errors[ids[0]]}.`, result.errors);
    }
    return c.json({ ok: true });
  });
