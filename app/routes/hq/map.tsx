import DealerMap from '../../components/map/DealerMap.tsx';
import Shell, { HQ_NAV } from '../../components/Shell.tsx';

export default function HqMap() {
  return (
    <Shell roles={['hq_admin', 'regional_manager', 'analyst']} nav={HQ_NAV}>
      <h1>Network map</h1>
      <DealerMap base="/hq" label="Map of the dealer network" />
    </Shell>
  );
}
