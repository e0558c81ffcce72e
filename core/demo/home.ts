// The demo's announcements and dealer documents, so the dealer home has something to show.
// Only D1 rows: the documents' files are not in R2 until HQ uploads them, and reading one
// before that answers 404 with a message saying so.
import type { DemoRows } from './generate.ts';

export function addDemoHome(out: DemoRows, today: string): void {
  const orgId = out.organisations[0].id;
  const at = (daysBack: number, time: string) => {
    const d = new Date(`${today}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() - daysBack);
    return `${d.toISOString().slice(0, 10)}T${time}.000Z`;
  };
  out.announcements.push(
    { id: 'ann_demo_1', org_id: orgId, title: 'Spring colour collection', body: 'Twelve new interior shades arrive next month. Pre-orders placed this month ship first.', audience: 'all', published_at: at(3, '08:00:00'), created_by: 'usr_hq' },
    { id: 'ann_demo_2', org_id: orgId, title: 'North: warehouse closed on Friday', body: 'The NORTH warehouse is closed for inventory on Friday; orders approved that day ship on Monday.', audience: 'region:reg_north', published_at: at(1, '09:30:00'), created_by: 'usr_hq' },
  );
  out.dealer_documents.push(
    { id: 'doc_demo_pricelist', org_id: orgId, title: 'Price list 2026', kind: 'price_list', r2_key: 'documents/doc_demo_pricelist', bytes: 0, content_type: 'application/pdf', audience: 'all', created_at: at(30, '07:00:00') },
    { id: 'doc_demo_catalog', org_id: orgId, title: 'Product catalog 2026', kind: 'catalog', r2_key: 'documents/doc_demo_catalog', bytes: 0, content_type: 'application/pdf', audience: 'all', created_at: at(30, '07:05:00') },
  );
}
