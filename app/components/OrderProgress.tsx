import { For, Show } from 'solid-js';
import type * as Y from 'yjs';
import { body, order } from '../../core/docs/schema.ts';
import { money } from '../lib/format.ts';
import type { SyncState } from '../sync/registry.ts';

interface Step { status: string; by?: string; role?: string; at?: string; note?: string }
interface Approval { state?: string; level?: string; reason?: string; problems?: string[]; comment?: string; byName?: string; at?: string }

const WHO: Record<string, string> = { regional_manager: 'your regional manager', hq_admin: 'head office', network: 'your distributor' };
const STEP: Record<string, string> = { draft: 'Back to draft', submitted: 'Submitted', held: 'Held', approved: 'Approved', rejected: 'Rejected', shipped: 'Shipped', delivered: 'Delivered', cancelled: 'Cancelled' };
const when = (at?: string) => (at ? new Date(at).toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }) : '');

// Where an order stands, step by step, as the document says: what the dealer did, what the
// server decided (prices, credit, approvals) and what approvers said.
export default function OrderProgress(props: { doc: Y.Doc; version: number; state: SyncState }) {
  const b = () => { void props.version; return body(props.doc, 'order'); };
  const status = () => { void props.version; return order.status(props.doc); };
  const history = () => ((b().get('statusHistory') as Y.Array<Step> | undefined)?.toArray() ?? []);
  const approval = () => b().get('approval') as Approval | undefined;
  const total = () => b().get('total') as number | undefined;
  const waitingToSend = () => status() === 'submitted' && (props.state.pending > 0 || props.state.status !== 'synced') && !approval();
  return (
    <section class="order-progress" aria-labelledby="progress-h">
      <h2 id="progress-h">Progress</h2>
      <Show when={waitingToSend()}>
        <p class="flag" role="status" data-testid="waiting-to-send">Submitted on this device — waiting to send. It goes out as soon as you are online.</p>
      </Show>
      <Show when={approval()?.state === 'pending'}>
        <p role="status" data-testid="approval-waiting">Waiting for approval by {WHO[approval()!.level ?? ''] ?? 'the brand'}.</p>
      </Show>
      <Show when={approval()?.state === 'held'}>
        <p class="flag" role="status">On hold: {approval()!.reason}. Head office will decide.</p>
      </Show>
      <Show when={approval()?.state === 'returned'}>
        <div class="flag" role="alert"><p>This order came back to you:</p><ul><For each={approval()!.problems ?? []}>{(p) => <li>{p}</li>}</For></ul></div>
      </Show>
      <Show when={total() !== undefined}><p>Total charged: <strong data-testid="order-total">{money(total()!)}</strong> (prices from your price list)</p></Show>
      <ol class="timeline">
        <For each={history()}>{(h) => (
          <li data-step={h.status}><strong>{STEP[h.status] ?? h.status}</strong> <span class="hint">{when(h.at)}{h.role === 'server' ? ' · automatically' : ''}</span>
            <Show when={h.note}><br /><span class="hint">{h.note}</span></Show></li>
        )}</For>
      </ol>
    </section>
  );
}
