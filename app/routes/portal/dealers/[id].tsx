import { useParams } from '@solidjs/router';
import DealerDetail from '../../../components/DealerDetail.tsx';
import Shell, { PORTAL_NAV } from '../../../components/Shell.tsx';

export default function PortalDealer() {
  const params = useParams<{ id: string }>();
  return (
    <Shell roles={['dealer_admin', 'dealer_staff']} nav={PORTAL_NAV}>
      <DealerDetail id={params.id} base="/portal" />
    </Shell>
  );
}
