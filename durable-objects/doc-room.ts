import { DurableObject } from 'cloudflare:workers';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { parseDocId, type DocId } from '../core/docs/id.ts';
import { project, type ProjectionContext } from '../core/docs/projection.ts';
import { DEFAULT_FIELD_SETTINGS } from '../core/field/checkin.ts';
import { decideOrder, mayDecide } from '../core/orders/approval.ts';
import { makeDb } from '../server/db.ts';
import { notify } from '../server/notify.ts';
import { loadOrderFacts } from '../server/order-facts.ts';
import { needsDecision, writeDecision, writeVerdict, type Verdict } from './order-decisions.ts';
import type { Violation, WriterRole } from '../core/docs/rules.ts';
import type { Json } from '../core/docs/schema.ts';
import type { ServerEnv as Env } from '../server/env.ts';
import {
  CLOSE_MALFORMED, CLOSE_TOO_LARGE, DEFAULT_MAX_MESSAGE_BYTES,
  MESSAGE_AWARENESS, MESSAGE_SYNC, SYNC_STEP_1, SYNC_STEP_2, SYNC_UPDATE, syncMessage,
} from './protocol.ts';
import { Refused, RoomCore, type Applied, type Writer } from './room-core.ts';
import { SqliteUpdateStore } from './sqlite-store.ts';

// Who is on a socket. Kept in the socket's attachment so it survives hibernation, together
// with the awareness client ids (and their last clocks) that this socket speaks for.
export interface Connection { userId: string; role: WriterRole; access: 'read' | 'write'; awareness: Record<string, number> }

// One room per Yjs document: the standard sync and awareness protocol over hibernatable
// WebSockets, an append-only update log in the room's SQLite, and the write rules from core/
// applied to every change, with corrections sent back as server updates.
export class DocRoom extends DurableObject<Env> {
  private core: RoomCore | null = null;
  private readonly store: SqliteUpdateStore;
  protected maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
  // workerd forbids random values (a Y.Doc's id) at module scope, hence the lazy empty doc.
  private emptyDoc: Y.Doc | null = null;
  private get doc(): Y.Doc { return this.core?.doc ?? (this.emptyDoc ??= new Y.Doc()); }
  private get docId(): DocId | null { return this.core?.docId ?? null; }

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new SqliteUpdateStore(ctx.storage);
    ctx.storage.sql.exec('create table if not exists room_meta (key text primary key, value text not null)');
    // Pings are answered by the runtime without waking the room.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('ping', 'pong'));
    void ctx.blockConcurrencyWhile(async () => {
      this.load();
      // After a wake (hibernation or eviction) every surviving socket re-syncs against what
      // was stored, so nothing a client sent and was acknowledged is missed.
      for (const ws of ctx.getWebSockets()) this.sendStep1(ws);
    });
  }

  private load() {
    const row = [...this.ctx.storage.sql.exec<{ value: string }>("select value from room_meta where key = 'docId'")][0];
    this.core = row ? new RoomCore(this.store, parseDocId(row.value)) : null;
  }

  private bindDocId(id: string) {
    if (this.core) {
      if (this.core.docId.id !== id) throw new Refused(CLOSE_MALFORMED, 'This room holds another document');
      return;
    }
    this.ctx.storage.sql.exec("insert or replace into room_meta (key, value) values ('docId', ?)", id);
    this.core = new RoomCore(this.store, parseDocId(id));
  }

  private sendStep1(ws: WebSocket) {
    try { ws.send(syncMessage(SYNC_STEP_1, Y.encodeStateVector(this.doc))); } catch { /* closing */ }
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') return new Response('Expected a WebSocket upgrade', { status: 426 });
    const docId = request.headers.get('x-doc-id') ?? '';
    try { this.bindDocId(docId); } catch (err) { return new Response((err as Error).message, { status: 400 }); }
    const conn: Connection = {
      userId: request.headers.get('x-user-id') ?? '',
      role: (request.headers.get('x-user-role') ?? 'analyst') as WriterRole,
      access: request.headers.get('x-access') === 'write' ? 'write' : 'read',
      awareness: {},
    };
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment(conn);
    this.sendStep1(server);
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const conn = ws.deserializeAttachment() as Connection;
    try {
      if (typeof message === 'string') throw new Refused(CLOSE_MALFORMED, 'Text messages are not part of the protocol');
      if (message.byteLength > this.maxMessageBytes) throw new Refused(CLOSE_TOO_LARGE, `Messages are limited to ${this.maxMessageBytes} bytes`);
      const data = new Uint8Array(message);
      let type: number;
      let decoder: decoding.Decoder;
      try {
        decoder = decoding.createDecoder(data);
        type = decoding.readVarUint(decoder);
      } catch {
        throw new Refused(CLOSE_MALFORMED, 'Undecodable message');
      }
      if (type === MESSAGE_SYNC) await this.onSync(ws, conn, decoder);
      else if (type === MESSAGE_AWARENESS) this.onAwareness(ws, conn, decoder);
      else throw new Refused(CLOSE_MALFORMED, `Unknown message type ${type}`);
    } catch (err) {
      const code = err instanceof Refused ? err.code : CLOSE_MALFORMED;
      ws.close(code, (err as Error).message.slice(0, 120));
    }
  }

  private async onSync(ws: WebSocket, conn: Connection, decoder: decoding.Decoder) {
    let sub: number;
    let payload: Uint8Array;
    try {
      sub = decoding.readVarUint(decoder);
      payload = decoding.readVarUint8Array(decoder);
    } catch {
      throw new Refused(CLOSE_MALFORMED, 'Undecodable sync message');
    }
    if (sub === SYNC_STEP_1) {
      let diff: Uint8Array;
      try { diff = Y.encodeStateAsUpdate(this.doc, payload); } catch { throw new Refused(CLOSE_MALFORMED, 'Undecodable state vector'); }
      ws.send(syncMessage(SYNC_STEP_2, diff));
      return;
    }
    if (sub !== SYNC_STEP_2 && sub !== SYNC_UPDATE) throw new Refused(CLOSE_MALFORMED, `Unknown sync step ${sub}`);
    const { stored, correction, gap } = this.applyClientUpdate(payload, { userId: conn.userId, role: conn.role, access: conn.access });
    // A message was lost on the way: the client's answer to step 1 is one whole diff.
    if (gap) this.sendStep1(ws);
    if (stored) this.broadcast(syncMessage(SYNC_UPDATE, stored), ws);
    if (correction) this.broadcast(syncMessage(SYNC_UPDATE, correction));
  }

  // Applies, checks, stores (the acknowledgement) and only then lets the caller broadcast.
  private applyClientUpdate(update: Uint8Array, writer: Writer): Applied {
    if (!this.core) throw new Refused(CLOSE_MALFORMED, 'No document is bound to this room');
    const statusBefore = this.core.docId.kind === 'order' ? this.doc.getMap('order').get('status') : undefined;
    const messagesBefore = this.ticketMessages()?.length ?? 0;
    const applied = this.core.apply(update, writer);
    if (applied.violations.length) this.ctx.waitUntil(this.audit(writer, applied.violations));
    if (applied.stored) this.scheduleProjection();
    const statusAfter = this.core.docId.kind === 'order' ? this.doc.getMap('order').get('status') : undefined;
    if (statusAfter !== statusBefore) this.notifyOrderStep(String(statusAfter));
    if (applied.stored && !applied.violations.length) this.notifyTicketAnswer(messagesBefore);
    return applied;
  }

  private ticketMessages() {
    if (this.core?.docId.kind !== 'ticket') return null;
    return (this.doc.getMap('ticket').get('messages') as Y.Array<{ role?: string; text?: string }> | undefined)?.toArray() ?? [];
  }

  // A reply from the brand's side (HQ, a manager, the rep) reaches the dealer's users.
  private notifyTicketAnswer(before: number) {
    const id = this.docId;
    const added = this.ticketMessages()?.slice(before) ?? [];
    const answer = added.find((m) => m.text && !['dealer_admin', 'dealer_staff', 'server'].includes(String(m.role)));
    if (!id || !answer) return;
    const subject = String(this.doc.getMap('ticket').get('subject') ?? 'your ticket');
    this.ctx.waitUntil(notify(this.env, makeDb(this.env.DB), { dealerId: id.dealerId, kind: 'ticket_answered', title: `Answer on "${subject.slice(0, 60)}"`, body: String(answer.text).slice(0, 140), url: `/portal/tickets/${id.id}` }).then(() => undefined));
  }

  // The dealer hears of the steps it waits for, in the app and by Web Push where it allowed it.
  private notifyOrderStep(status: string) {
    const id = this.docId;
    const kind = ({ approved: 'order_approved', rejected: 'order_rejected', shipped: 'order_shipped' } as const)[status as 'approved' | 'rejected' | 'shipped'];
    if (!id || !kind) return;
    const title = { order_approved: 'Your order was approved', order_rejected: 'Your order was rejected', order_shipped: 'Your order is on its way' }[kind];
    this.ctx.waitUntil(notify(this.env, makeDb(this.env.DB), { dealerId: id.dealerId, kind, title, body: `Order ${id.uid.slice(0, 6)}`, url: `/portal/orders/${id.id}` }).then(() => undefined));
  }

  private onAwareness(ws: WebSocket, conn: Connection, decoder: decoding.Decoder) {
    let update: Uint8Array;
    try {
      update = decoding.readVarUint8Array(decoder);
      const d = decoding.createDecoder(update);
      const n = decoding.readVarUint(d);
      for (let i = 0; i < n; i++) {
        const clientId = decoding.readVarUint(d);
        const clock = decoding.readVarUint(d);
        const state = JSON.parse(decoding.readVarString(d));
        if (state === null) delete conn.awareness[clientId];
        else conn.awareness[clientId] = clock;
      }
    } catch {
      throw new Refused(CLOSE_MALFORMED, 'Undecodable awareness message');
    }
    ws.serializeAttachment(conn);
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, MESSAGE_AWARENESS);
    encoding.writeVarUint8Array(e, update);
    this.broadcast(encoding.toUint8Array(e), ws);
  }

  override async webSocketClose(ws: WebSocket): Promise<void> { this.leave(ws); }
  override async webSocketError(ws: WebSocket): Promise<void> { this.leave(ws); }

  private leave(ws: WebSocket) {
    const conn = ws.deserializeAttachment() as Connection | null;
    const ids = Object.entries(conn?.awareness ?? {});
    if (ids.length) {
      // Tell the others this socket's cursors are gone: state null at a newer clock.
      const u = encoding.createEncoder();
      encoding.writeVarUint(u, ids.length);
      for (const [clientId, clock] of ids) {
        encoding.writeVarUint(u, Number(clientId));
        encoding.writeVarUint(u, clock + 1);
        encoding.writeVarString(u, 'null');
      }
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, MESSAGE_AWARENESS);
      encoding.writeVarUint8Array(e, encoding.toUint8Array(u));
      this.broadcast(encoding.toUint8Array(e), ws);
    }
    if (this.ctx.getWebSockets().filter((s) => s !== ws).length === 0) this.compactNow();
  }

  private broadcast(msg: Uint8Array, except?: WebSocket) {
    for (const ws of this.ctx.getWebSockets()) {
      if (ws === except) continue;
      try { ws.send(msg); } catch { /* a closing socket */ }
    }
  }

  private compactNow() {
    this.core?.compact();
  }

  // Debounced with the room's alarm (no timers keep a room awake): one D1 write per burst.
  private scheduleProjection() {
    void this.ctx.storage.getAlarm().then((at) => { if (at === null) return this.ctx.storage.setAlarm(Date.now() + 1000); });
  }

  // Writes the document's rows to D1 in one batch (all or nothing). A failure throws, and the
  // runtime retries the alarm with backoff, so D1 ends up equal to what the document says.
  override async alarm(): Promise<void> {
    if (!this.docId || !this.core) return;
    const id = this.docId;
    if (id.kind === 'order' && needsDecision(this.doc)) await this.decideOrder(id);
    const at = new Date().toISOString();
    const db = this.env.DB;
    let ctx: ProjectionContext | undefined;
    if (id.kind === 'visit') {
      const row = await db.prepare('select d.lat, d.lng, o.checkin_radius_m as radiusM, o.checkin_max_accuracy_m as maxAccuracyM, o.late_after_min as lateAfterMin from dealers d join organisations o on o.id = d.org_id where d.id = ?')
        .bind(id.dealerId).first<{ lat: number | null; lng: number | null; radiusM: number; maxAccuracyM: number; lateAfterMin: number }>();
      ctx = { dealer: { lat: row?.lat ?? null, lng: row?.lng ?? null }, settings: row ? { radiusM: row.radiusM, maxAccuracyM: row.maxAccuracyM, lateAfterMin: row.lateAfterMin } : DEFAULT_FIELD_SETTINGS };
    }
    const { deletes, inserts, updates = [] } = project(id, this.doc.getMap(id.kind).toJSON() as Record<string, Json>, this.doc.getMap('meta').toJSON() as Record<string, Json>, at, ctx);
    await db.batch([
      ...deletes.map((d) => db.prepare(`delete from ${d.table} where ${d.column} = ?`).bind(id.id)),
      ...inserts.map(({ table, row }) => {
        const cols = Object.keys(row);
        return db.prepare(`insert into ${table} (${cols.join(', ')}) values (${cols.map(() => '?').join(', ')})`).bind(...cols.map((c) => row[c]));
      }),
      ...updates.map((u) => db.prepare(u.sql).bind(...u.params)),
      db.prepare('update documents set updated_at = ? where id = ?').bind(at, id.id),
    ]);
  }

  // A copy of the document changed by `fn`, applied back as one server update.
  private serverChange(fn: (doc: Y.Doc) => void): void {
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(this.doc));
    const sv = Y.encodeStateVector(copy);
    fn(copy);
    const { stored } = this.applyClientUpdate(Y.encodeStateAsUpdate(copy, sv), { userId: 'server', role: 'server', access: 'write' });
    if (stored) this.broadcast(syncMessage(SYNC_UPDATE, stored));
  }

  // Prices every line from D1, checks credit and applies the approval rules. The facts are read
  // first; the document is re-checked after, since other edits may have arrived meanwhile.
  private async decideOrder(id: DocId) {
    const lines = (this.doc.getMap('order').get('lines') as Y.Map<{ productId: unknown; quantity: unknown }> | undefined)?.toJSON() as Record<string, { productId: unknown; quantity: unknown }> | undefined ?? {};
    const facts = await loadOrderFacts(makeDb(this.env.DB), id.dealerId, id.id, Object.values(lines).map((l) => String(l.productId)));
    if (!facts || !needsDecision(this.doc)) return;
    const now = (this.doc.getMap('order').get('lines') as Y.Map<{ productId: unknown; quantity: unknown }>).toJSON() as Record<string, { productId: unknown; quantity: unknown }>;
    const decision = decideOrder(now, facts);
    this.serverChange((doc) => writeDecision(doc, decision, new Date().toISOString()));
  }

  async orderVerdict(docId: string, verdict: Verdict): Promise<{ error: string | null; status: string | null }> {
    this.bindDocId(docId);
    let error: string | null = null;
    this.serverChange((doc) => { error = writeVerdict(doc, verdict, new Date().toISOString(), mayDecide); });
    if (!error) this.scheduleProjection();
    return { error, status: (this.doc.getMap('order').get('status') as string | undefined) ?? null };
  }

  private async audit(writer: Writer, violations: Violation[]) {
    await this.env.DB.prepare("insert into audit_log (actor_id, actor_role, action, entity_type, entity_id, outcome, detail) values (?, ?, 'doc.write_refused', ?, ?, 'denied', ?)")
      .bind(writer.userId, writer.role, this.docId?.kind ?? null, this.docId?.id ?? null, JSON.stringify({ violations })).run();
  }

  // --- RPC for the Worker: batched catch-up and server-authoritative writes ---

  // `incomplete`: the update depends on changes the room does not have; the caller sends its
  // diff against the returned state vector instead.
  async sync(docId: string, stateVector: Uint8Array, update: Uint8Array | null, writer: Writer): Promise<{ diff: Uint8Array; stateVector: Uint8Array; corrected: boolean; incomplete: boolean }> {
    this.bindDocId(docId);
    let corrected = false;
    let incomplete = false;
    if (update && update.byteLength) {
      if (update.byteLength > this.maxMessageBytes) throw new Error(`Updates are limited to ${this.maxMessageBytes} bytes`);
      const { stored, correction, gap } = this.applyClientUpdate(update, writer);
      incomplete = !!gap;
      if (stored) this.broadcast(syncMessage(SYNC_UPDATE, stored));
      if (correction) { this.broadcast(syncMessage(SYNC_UPDATE, correction)); corrected = true; }
    }
    return { diff: Y.encodeStateAsUpdate(this.doc, stateVector), stateVector: Y.encodeStateVector(this.doc), corrected, incomplete };
  }

  async applyServerUpdate(docId: string, update: Uint8Array): Promise<void> {
    this.bindDocId(docId);
    const { stored, gap } = this.applyClientUpdate(update, { userId: 'server', role: 'server', access: 'write' });
    if (gap) throw new Error('A server update must be made against the room\'s current state (stateAsUpdate)');
    if (stored) this.broadcast(syncMessage(SYNC_UPDATE, stored));
  }

  async snapshotJson(): Promise<{ docId: string | null; meta: unknown; body: unknown; log: { count: number; bytes: number } }> {
    const kind = this.docId?.kind;
    return { docId: this.docId?.id ?? null, meta: this.doc.getMap('meta').toJSON(), body: kind ? this.doc.getMap(kind).toJSON() : null, log: this.store.stats() };
  }

  async stateAsUpdate(): Promise<Uint8Array> {
    return Y.encodeStateAsUpdate(this.doc);
  }
}
