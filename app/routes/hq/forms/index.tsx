import { A } from '@solidjs/router';
import { createResource, For, Show } from 'solid-js';
import Shell from '../../../components/Shell.tsx';
import { get } from '../../../lib/api.ts';
import { may } from '../../../lib/access.ts';

interface FormSummary {
  id: string; name: string; archived: boolean; latestVersion: number; createdAt: string;
  assignments: Array<{ kind: 'segment' | 'visit_type'; target: string }>;
}

const assignmentText = (list: FormSummary['assignments']) => {
  const segments = list.filter((a) => a.kind === 'segment').map((a) => a.target);
  const visits = list.filter((a) => a.kind === 'visit_type').map((a) => a.target);
  const parts = [];
  if (segments.length) parts.push(`Segments: ${segments.join(', ')}`);
  if (visits.length) parts.push(`Visit types: ${visits.join(', ')}`);
  return parts.length ? parts.join(' · ') : 'Not assigned';
};

// The visit forms HQ has built: what each is called, how far it has been revised, and which
// dealers' visits it applies to.
export default function HqForms() {
  return <Shell face="hq" need="forms:read"><HqFormsContent /></Shell>;
}

function HqFormsContent() {
  const [forms] = createResource(() => get<{ items: FormSummary[] }>('/api/forms'));
  return (
    <>
      <div class="fb-head">
        <h1>Forms</h1>
        <Show when={may('forms:manage')}><A class="fb-button" href="/hq/forms/new">New form</A></Show>
      </div>
      <p class="hint">Visit forms reps fill in on their phones. Each save publishes a new version; a visit keeps the version it was filled in with.</p>
      <Show when={!forms.error} fallback={<p role="alert">{(forms.error as Error)?.message ?? 'The forms could not be loaded.'}</p>}>
        <Show when={forms()} fallback={<p class="hint">Loading forms…</p>}>
          <Show when={forms()!.items.length} fallback={<p>No forms yet.</p>}>
            <div class="table-wrap fb-list">
              <table>
                <caption class="sr-only">Visit forms</caption>
                <thead><tr><th scope="col">Name</th><th scope="col">Latest version</th><th scope="col">Applies to</th></tr></thead>
                <tbody>
                  <For each={forms()!.items}>{(f) => (
                    <tr data-form={f.id}>
                      <th scope="row"><A href={`/hq/forms/${encodeURIComponent(f.id)}`}>{f.name}</A>
                        <Show when={f.archived}> <span class="badge">archived</span></Show></th>
                      <td>{f.latestVersion}</td>
                      <td>{assignmentText(f.assignments)}</td>
                    </tr>
                  )}</For>
                </tbody>
              </table>
            </div>
          </Show>
        </Show>
      </Show>
    </>
  );
}
