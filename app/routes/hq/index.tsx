import DealerTable from '../../components/DealerTable.tsx';
import Shell, { HQ_NAV } from '../../components/Shell.tsx';

export default function HqHome() {
  return (
    <Shell roles={['hq_admin', 'regional_manager', 'analyst']} nav={HQ_NAV}>
      <h1>Dealers</h1>
      <DealerTable base="/hq" />
    </Shell>
  );
}
