import { createResource, createSignal, For, Show } from 'solid-js';
import { ApiError, get, send } from '../lib/api.ts';
import { money } from '../lib/format.ts';

interface Waiting {
  id: string; dealerName: string; total: number | null; submittedAt: string | null; approvalState: string; approvalLevel: string;
  lines: Array<{ productId: string; name: string; quantity: number; unitPrice: number | null }>;
}

const LEVEL: Record<string, string> = { regional_manager: 'Regional manager', hq_admin: 'Head office', network: 'Your network' };

// Orders waiting for the signed-in approver: what is ordered, the total the server priced, and
// approve or reject with a comment (a rejection needs one).
export default function ApprovalQueue() {
  const [queue, { refetch }] = createResource(() => get<{ items: Waiting[] }>('/api/orders/approvals'));
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [done, setDone] = createSignal<Record<string, string>>({});
  const decide = async (id: string, decision: 'approve' | 'reject', comment: string) => {
    setErrors((e) => ({ ...e, [id]: '' }));
    try {
      await send('POST', `/api/orders/${encodeURIComponent(id)}/decision`, { decision, comment });
      setDone((d) => ({ ...d, [id]: decision === 'approve' ? 'Approved' : 'Rejected' }));
      void refetch();
    } catch (err) {
      setErrors((e) => ({ ...e, [id]: err instanceof ApiError ? (err.fields?.comment ?? err.message) : (err as Error).message }));
    }
  };
  return (
    <section aria-labelledby="queue-h">
      <h2 id="queue-h">Waiting for you <span class="badge">{queue()?.items.length ?? 0}</span></h2>
      <Show when={queue.error}><p role="alert">{(queue.error as Error).message}</p></Show>
      <For each={Object.entries(done())}>{([id, what]) => <p role="status">{what}: order {id.split('.')[2]?.slice(0, 6)}</p>}</For>
      <ul class="cards">
        <For each={queue()?.items} fallback={<li>Nothing is waiting.</li>}>{(o) => {
          let comment!: HTMLTextAreaElement;
          return (
            <li data-order={o.id}>
              <strong>{o.dealerName}</strong>
              <span class="hint">{o.total === null ? '—' : money(o.total)} · {o.approvalState === 'held' ? 'held' : 'waiting'} · {LEVEL[o.approvalLevel] ?? o.approvalLevel}{o.submittedAt ? ` · ${new Date(o.submittedAt).toLocaleString()}` : ''}</span>
              <ul class="plain"><For each={o.lines}>{(l) => <li>{l.quantity} × {l.name}{l.unitPrice === null ? '' : ` at ${money(l.unitPrice)}`}</li>}</For></ul>
              <label>Comment<textarea ref={comment} rows="2" /></label>
              <Show when={errors()[o.id]}><p class="field-error" role="alert">{errors()[o.id]}</p></Show>
              <div class="toolbar">
                <button type="button" class="primary" onClick={() => decide(o.id, 'approve', comment.value)}>Approve</button>
                <button type="button" onClick={() => decide(o.id, 'reject', comment.value)}>Reject</button>
              </div>
            </li>
          );
        }}</For>
      </ul>
    </section>
  );
}
