import { A, useParams } from '@solidjs/router';
import { Show } from 'solid-js';
import Shell from '../../../components/Shell.tsx';
import TicketThread from '../../../components/TicketThread.tsx';
import { myHome, myNav } from '../../../lib/access.ts';

// One ticket's thread, on the device first: it opens, takes replies and closes offline. Dealer
// users reach it from their ticket list, reps (who reply at their dealers) from their home.
export default function PortalTicket() {
  const params = useParams<{ id: string }>();
  const back = () => myNav().find((n) => n.href === '/portal/tickets') ?? myNav().find((n) => n.href === myHome());
  return (
    <Shell face={['portal', 'field']} need="ticket:W">
      <Show when={back()}>{(b) => <p><A href={b().href}>{b().href === '/portal/tickets' ? 'All tickets' : b().label}</A></p>}</Show>
      <h1>Support ticket</h1>
      <Show when={params.id} keyed>{(id) => <TicketThread id={id} />}</Show>
    </Shell>
  );
}
