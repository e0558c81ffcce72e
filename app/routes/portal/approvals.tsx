import ApprovalQueue from '../../components/ApprovalQueue.tsx';
import Shell, { PORTAL_NAV } from '../../components/Shell.tsx';

// A dealer that runs its own network's orders approves its sub-dealers' orders here.
export default function NetworkApprovals() {
  return (
    <Shell roles={['dealer_admin']} nav={PORTAL_NAV}>
      <h1>Network orders</h1>
      <ApprovalQueue />
    </Shell>
  );
}
