// The demo's visit forms, so a fresh install has something for a rep to fill in: a store
// check for every dealer, and a short form for training visits.
import type { FormDefinition } from '../forms/definition.ts';
import type { DemoRows } from './generate.ts';

export function storeCheckForm(shelfProducts: string[]): FormDefinition {
  return {
    title: 'Store check',
    questions: [
      { id: 'display_ok', label: 'Is the display set up?', type: 'yesno', required: true },
      { id: 'display_why', label: 'Why not?', type: 'text', required: true, showIf: { question: 'display_ok', equals: false } },
      { id: 'impression', label: 'Overall impression of the store', type: 'rating', required: true, max: 5 },
      { id: 'photos', label: 'Photos of the display and the shelf', type: 'photo' },
      { id: 'shelf', label: 'Shelf audit', type: 'shelf', products: shelfProducts },
    ],
  };
}

export const TRAINING_VISIT_FORM: FormDefinition = {
  title: 'Training visit',
  questions: [
    { id: 'topics', label: 'Topics covered', type: 'multi', required: true, options: ['New products', 'Colour mixing', 'Safety', 'Selling'] },
    { id: 'attendees', label: 'Staff attending', type: 'number', required: true, min: 1, max: 50 },
    { id: 'follow_up', label: 'Anything to follow up?', type: 'text' },
    { id: 'manager_signature', label: "Store manager's signature", type: 'signature' },
  ],
};

// "Every segment" is spelled out as the segments the demo network uses, so the assignment
// rows mean the same as any HQ would create through the API.
export function addDemoForms(out: DemoRows): void {
  const products = (out.products ?? []).slice(0, 5).map((p) => String(p.id));
  const segments = [...new Set((out.dealers ?? []).flatMap((d) => JSON.parse(String(d.segments ?? '[]')) as string[]))].sort();
  (out.forms ??= []).push(
    { id: 'frm_store_check', name: 'Store check', created_by: 'usr_hq', archived: 0 },
    { id: 'frm_training', name: 'Training visit', created_by: 'usr_hq', archived: 0 },
  );
  (out.form_versions ??= []).push(
    { form_id: 'frm_store_check', version: 1, definition: JSON.stringify(storeCheckForm(products)), created_by: 'usr_hq' },
    { form_id: 'frm_training', version: 1, definition: JSON.stringify(TRAINING_VISIT_FORM), created_by: 'usr_hq' },
  );
  (out.form_assignments ??= []).push(
    ...segments.map((s) => ({ form_id: 'frm_store_check', target_kind: 'segment', target: s })),
    { form_id: 'frm_training', target_kind: 'visit_type', target: 'training' },
  );
}
