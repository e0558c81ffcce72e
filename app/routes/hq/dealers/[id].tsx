import { useParams } from '@solidjs/router';
import { Show } from 'solid-js';
import DealerDetail from '../../../components/DealerDetail.tsx';
import DealerField from '../../../components/field/DealerField.tsx';
import Shell from '../../../components/Shell.tsx';
import { may } from '../../../lib/access.ts';

export default function HqDealer() {
  const params = useParams<{ id: string }>();
  return (
    <Shell face="hq" need="dealers:read">
      <DealerDetail id={params.id} base="/hq" extra={(d) => (
        <Show when={may('field:read')}>
          <DealerField dealerId={d.dealer.id} dealerName={d.dealer.name} reps={d.reps} base="/hq" />
        </Show>
      )} />
    </Shell>
  );
}
