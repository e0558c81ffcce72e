import { createResource, createSignal, For, Show } from 'solid-js';
import ApprovalQueue from '../../components/ApprovalQueue.tsx';
import Shell from '../../components/Shell.tsx';
import { ApiError, get, send } from '../../lib/api.ts';
import { label, money } from '../../lib/format.ts';

interface ToDeliver { id: string; dealerName: string; status: string; total: number | null; lineCount: number }

// A dealer that runs its own network's orders approves its sub-dealers' orders here, then
// delivers them from its own stock.
export default function NetworkApprovals() {
  return <Shell face="portal" need="orders:approve"><NetworkApprovalsContent /></Shell>;
}

function NetworkApprovalsContent() {
  const [deliveries, { refetch }] = createResource(() => get<{ items: ToDeliver[] }>('/api/orders/network'));
  const [message, setMessage] = createSignal('');
  const deliver = async (o: ToDeliver) => {
    setMessage('');
    try {
      await send('POST', `/api/orders/${encodeURIComponent(o.id)}/deliver`);
      setMessage(`Delivered: ${o.dealerName}`);
      void refetch();
    } catch (err) {
      setMessage(err instanceof ApiError ? err.message : (err as Error).message);
    }
  };
  return (
    <>
      <h1>Network orders</h1>
      <ApprovalQueue />
      <section aria-labelledby="deliver-h">
        <h2 id="deliver-h">To deliver</h2>
        <Show when={message()}><p role="status">{message()}</p></Show>
        <ul class="cards">
          <For each={deliveries()?.items} fallback={<li>Nothing to deliver.</li>}>{(o) => (
            <li data-deliver={o.id}><strong>{o.dealerName}</strong>
              <span class="hint">{label(o.status)} · {o.lineCount} line{o.lineCount === 1 ? '' : 's'}{o.total === null ? '' : ` · ${money(o.total)}`}</span>
              <button type="button" onClick={() => deliver(o)}>Mark delivered</button></li>
          )}</For>
        </ul>
      </section>
    </>
  );
}
