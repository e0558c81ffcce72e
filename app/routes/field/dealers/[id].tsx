import { useParams } from '@solidjs/router';
import DealerDetail from '../../../components/DealerDetail.tsx';
import Shell from '../../../components/Shell.tsx';

export default function FieldDealer() {
  const params = useParams<{ id: string }>();
  return (
    <Shell face="field" need="dealers:read">
      <DealerDetail id={params.id} base="/field" />
    </Shell>
  );
}
