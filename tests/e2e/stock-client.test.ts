// A stock y-websocket client in Node syncs with a room on wrangler dev, both directions:
// the rooms speak the standard protocol, not only our own client.
import { afterAll, expect, it } from 'vitest';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { makeDocId, parseDocId } from '../../core/docs/id.ts';
import { initDoc, order } from '../../core/docs/schema.ts';
import { apiSession, baseUrl } from './support/session.ts';

const providers: WebsocketProvider[] = [];
afterAll(() => { for (const p of providers) p.destroy(); });

// The stock provider opens `new WebSocket(url, protocols)`; the session cookie rides along.
function socketWithCookie(cookie: string) {
  return class extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, { protocols, headers: { cookie } } as unknown as string[]);
    }
  };
}

async function provider(email: string, docId: string, doc: Y.Doc) {
  const cookie = await cookieOf(email);
  const p = new WebsocketProvider(`${baseUrl().replace('http', 'ws')}/sync/order`, docId, doc, { WebSocketPolyfill: socketWithCookie(cookie) as unknown as typeof WebSocket, disableBc: true });
  providers.push(p);
  return { p };
}

async function cookieOf(email: string): Promise<string> {
  const res = await fetch(`${baseUrl()}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: baseUrl() }, body: JSON.stringify({ email, password: 'Demo-2026!' }) });
  return (res.headers.get('set-cookie') ?? '').split(';')[0];
}

const until = async (check: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!(() => { try { return check(); } catch { return false; } })()) {
    if (Date.now() > end) throw new Error('not reached in time');
    await new Promise((r) => setTimeout(r, 25));
  }
};

it('two stock y-websocket clients sync an order through the room, both ways', async () => {
  const dealerDoc = new Y.Doc();
  const repDoc = new Y.Doc();
  const hq = await apiSession('dealer@demo.test');
  const me = await (await hq('/api/me')).json();
  const docId = makeDocId('order', { dealerId: me.user.dealerId }, `stock${Date.now()}`);
  const a = await provider('dealer@demo.test', docId, dealerDoc);
  await until(() => a.p.synced);
  initDoc(dealerDoc, parseDocId(docId), me.user.id);
  order.setLine(dealerDoc, 'l1', { productId: 'prd_001', quantity: 3 });
  const b = await provider('rep@demo.test', docId, repDoc);
  await until(() => order.lines(repDoc).get('l1')?.quantity === 3);
  order.setLine(repDoc, 'l2', { productId: 'prd_002', quantity: 6 });
  order.notes(repDoc).insert(0, 'Rep was here');
  await until(() => order.lines(dealerDoc).get('l2')?.quantity === 6 && order.notes(dealerDoc).toString() === 'Rep was here');
  expect(b.p.wsconnected).toBe(true);
  expect(order.lines(dealerDoc).toJSON()).toEqual(order.lines(repDoc).toJSON());
});
