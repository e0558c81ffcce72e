import { useParams } from '@solidjs/router';
import DealerDetail from '../../../components/DealerDetail.tsx';
import Shell, { HQ_NAV } from '../../../components/Shell.tsx';

export default function HqDealer() {
  const params = useParams<{ id: string }>();
  return (
    <Shell roles={['hq_admin', 'regional_manager', 'analyst']} nav={HQ_NAV}>
      <DealerDetail id={params.id} base="/hq" />
    </Shell>
  );
}
