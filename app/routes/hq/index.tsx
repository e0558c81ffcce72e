import DealerTable from '../../components/DealerTable.tsx';
import Shell from '../../components/Shell.tsx';

export default function HqHome() {
  return (
    <Shell face="hq" need="dealers:read">
      <h1>Dealers</h1>
      <DealerTable base="/hq" />
    </Shell>
  );
}
