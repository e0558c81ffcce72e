import { useParams } from '@solidjs/router';
import DealerDetail from '../../../components/DealerDetail.tsx';
import Shell, { FIELD_NAV } from '../../../components/Shell.tsx';

export default function FieldDealer() {
  const params = useParams<{ id: string }>();
  return (
    <Shell roles={['field_rep']} nav={FIELD_NAV}>
      <DealerDetail id={params.id} base="/field" />
    </Shell>
  );
}
