import Shell from '../../components/Shell.tsx';

export default function SupplierHome() {
  return (
    <Shell roles={['supplier']} nav={[{ href: '/supplier', label: 'Purchase orders' }]}>
      <h1>Purchase orders</h1>
      <p>Your purchase orders will appear here.</p>
    </Shell>
  );
}
