import { useParams } from '@solidjs/router';
import DealerDetail from '../../../components/DealerDetail.tsx';
import Shell from '../../../components/Shell.tsx';

export default function PortalDealer() {
  const params = useParams<{ id: string }>();
  return (
    <Shell face="portal" need="dealers:read">
      <DealerDetail id={params.id} base="/portal" />
    </Shell>
  );
}
