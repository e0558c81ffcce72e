import ApprovalQueue from '../../components/ApprovalQueue.tsx';
import Shell, { HQ_NAV } from '../../components/Shell.tsx';

export default function HqApprovals() {
  return (
    <Shell roles={['hq_admin', 'regional_manager']} nav={HQ_NAV}>
      <h1>Order approvals</h1>
      <ApprovalQueue />
    </Shell>
  );
}
