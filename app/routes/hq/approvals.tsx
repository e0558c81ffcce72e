import ApprovalQueue from '../../components/ApprovalQueue.tsx';
import Shell from '../../components/Shell.tsx';

export default function HqApprovals() {
  return (
    <Shell face="hq" need="orders:approve">
      <h1>Order approvals</h1>
      <ApprovalQueue />
    </Shell>
  );
}
