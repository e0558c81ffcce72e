import { A, useParams } from '@solidjs/router';
import { Show } from 'solid-js';
import Shell, { FIELD_NAV, PORTAL_NAV } from '../../../components/Shell.tsx';
import TicketThread from '../../../components/TicketThread.tsx';
import { me } from '../../../lib/session.ts';

// One ticket's thread, on the device first: it opens, takes replies and closes offline.
export default function PortalTicket() {
  const params = useParams<{ id: string }>();
  const rep = () => me()?.user.role === 'field_rep';
  return (
    <Shell roles={['dealer_admin', 'dealer_staff', 'field_rep']} nav={rep() ? FIELD_NAV : PORTAL_NAV}>
      <p><A href={rep() ? '/field' : '/portal/tickets'}>{rep() ? 'My dealers' : 'All tickets'}</A></p>
      <h1>Support ticket</h1>
      <Show when={params.id} keyed>{(id) => <TicketThread id={id} />}</Show>
    </Shell>
  );
}
