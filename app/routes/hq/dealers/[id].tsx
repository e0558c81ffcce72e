import { useParams } from '@solidjs/router';
import { Show } from 'solid-js';
import DealerDetail from '../../../components/DealerDetail.tsx';
import DealerField from '../../../components/field/DealerField.tsx';
import Shell, { HQ_NAV } from '../../../components/Shell.tsx';
import { can } from '../../../lib/session.ts';

export default function HqDealer() {
  const params = useParams<{ id: string }>();
  return (
    <Shell roles={['hq_admin', 'regional_manager', 'analyst']} nav={HQ_NAV}>
      <DealerDetail id={params.id} base="/hq" extra={(d) => (
        <Show when={can('field:read')}>
          <DealerField dealerId={d.dealer.id} dealerName={d.dealer.name} reps={d.reps} base="/hq" />
        </Show>
      )} />
    </Shell>
  );
}
