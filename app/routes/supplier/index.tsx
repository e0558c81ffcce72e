import Shell from '../../components/Shell.tsx';

export default function SupplierHome() {
  return (
    <Shell face="supplier" need="purchase_order:R">
      <h1>Purchase orders</h1>
      <p>Your purchase orders will appear here.</p>
    </Shell>
  );
}
