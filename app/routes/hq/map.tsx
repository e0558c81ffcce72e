import DealerMap from '../../components/map/DealerMap.tsx';
import Shell from '../../components/Shell.tsx';

export default function HqMap() {
  return (
    <Shell face="hq" need="dealers:read">
      <h1>Network map</h1>
      <DealerMap base="/hq" label="Map of the dealer network" />
    </Shell>
  );
}
