import { DurableObject } from 'cloudflare:workers';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { parseDocId, type DocId } from '../core/docs/id.ts';
import { runCommand, type CommandOutcome, type RoomCommand } from '../core/docs/kinds/commands.ts';
import { project } from '../core/docs/projection.ts';
import type { Violation, WriterRole } from '../core/docs/rules.ts';
import { headerOf, type Json } from '../core/docs/schema.ts';
import type { ServerEnv as Env } from '../server/env.ts';
import { HOOKS, markOf, type HookRoom } from './hooks.ts';
import {
  CLOSE_MALFORMED, CLOSE_TOO_LARGE, DEFAULT_MAX_MESSAGE_BYTES,
  MESSAGE_AWARENESS, MESSAGE_SYNC, SYNC_STEP_1, SYNC_STEP_2, SYNC_UPDATE, syncMessage,
} from './protocol.ts';
import { Refused, RoomCore, type Applied, type Writer } from './room-core.ts';
import { SqliteUpdateStore } from './sqlite-store.ts';

interface AwarenessEntry { clientId: number; clock: number; state: string }

function awarenessMessage(entries: AwarenessEntry[]): Uint8Array {
  const u = encoding.createEncoder();
  encoding.writeVarUint(u, entries.length);
  for (const e of entries) { encoding.writeVarUint(u, e.clientId); encoding.writeVarUint(u, e.clock); encoding.writeVarString(u, e.state); }
  const m = encoding.createEncoder();
  encoding.writeVarUint(m, MESSAGE_AWARENESS);
  encoding.writeVarUint8Array(m, encoding.toUint8Array(u));
  return encoding.toUint8Array(m);
}

// How long stored updates and awareness wait to go out together.
const FLUSH_MS = 10;

// Who created a document, as the Worker authorised it: written into the header when the room
// first holds the document.
export interface Birth { createdBy: string; createdAt: string }

// Who is on a socket. Kept in the socket's attachment so it survives hibernation, together
// with the awareness client ids (and their last clocks) that this socket speaks for.
export interface Connection { userId: string; role: WriterRole; access: 'read' | 'write'; awareness: Record<string, number> }

// One room per Yjs document. This class is the protocol adapter: the standard sync and awareness
// protocol over hibernatable WebSockets, and the RPC the Worker calls. RoomCore holds the
// document, its storage and its rules; hooks.ts what each kind does on a change (projection
// facts, decisions, notifications).
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

  // The room holds one document, created here (header and structure) by the first authorised
  // caller the Worker lets create it. Without a birth, only an existing document is served.
  private bindDocId(id: string, birth?: Birth): RoomCore {
    if (this.core && this.core.docId.id !== id) throw new Refused(CLOSE_MALFORMED, 'This room holds another document');
    if (!this.core) {
      if (!birth) throw new Refused(CLOSE_MALFORMED, 'No such document');
      this.ctx.storage.sql.exec("insert or replace into room_meta (key, value) values ('docId', ?)", id);
      this.core = new RoomCore(this.store, parseDocId(id));
    }
    if (!this.core.created) {
      if (!birth) throw new Refused(CLOSE_MALFORMED, 'No such document');
      const update = this.core.create(headerOf(this.core.docId, birth.createdBy, birth.createdAt));
      if (update) { this.queueUpdate(update, null); this.scheduleProjection(); }
    }
    return this.core;
  }

  private sendStep1(ws: WebSocket) {
    try { ws.send(syncMessage(SYNC_STEP_1, Y.encodeStateVector(this.doc))); } catch { /* closing */ }
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') return new Response('Expected a WebSocket upgrade', { status: 426 });
    const docId = request.headers.get('x-doc-id') ?? '';
    const birth = { createdBy: request.headers.get('x-created-by') ?? '', createdAt: request.headers.get('x-created-at') ?? '' };
    try { this.bindDocId(docId, birth.createdBy && birth.createdAt ? birth : undefined); } catch (err) { return new Response((err as Error).message, { status: 404 }); }
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
    if (stored) this.queueUpdate(stored, ws);
    if (correction) this.queueUpdate(correction, null);
  }

  // `doc` is read when used: a refused update reloads the core's document, and a hook that
  // awaited D1 (an order's facts) must not go on with the copy it started with.
  private hookRoom(core: RoomCore): HookRoom {
    return { env: this.env, id: core.docId, get doc() { return core.doc; }, command: (fn) => this.serverCommand(core, fn), waitUntil: (p) => this.ctx.waitUntil(p) };
  }

  // Applies, checks, stores (the acknowledgement) and only then lets the caller broadcast.
  private applyClientUpdate(update: Uint8Array, writer: Writer): Applied {
    if (!this.core) throw new Refused(CLOSE_MALFORMED, 'No document is bound to this room');
    const core = this.core;
    const before = markOf(core);
    const applied = core.apply(update, writer);
    if (applied.violations.length) this.ctx.waitUntil(this.audit(writer, applied.violations));
    if (applied.stored) { this.scheduleProjection(); HOOKS[core.docId.kind].afterChange?.(this.hookRoom(core), before); }
    return applied;
  }

  // A server step inside the room: stored, broadcast, projected and heard of like any change.
  private serverCommand<T>(core: RoomCore, fn: (doc: Y.Doc, at: string) => T) {
    const before = markOf(core);
    const out = core.command(fn);
    if (out.update) {
      this.queueUpdate(out.update, null);
      this.scheduleProjection();
      HOOKS[core.docId.kind].afterChange?.(this.hookRoom(core), before);
    }
    return out;
  }

  private onAwareness(ws: WebSocket, conn: Connection, decoder: decoding.Decoder) {
    const entries: AwarenessEntry[] = [];
    try {
      const d = decoding.createDecoder(decoding.readVarUint8Array(decoder));
      const n = decoding.readVarUint(d);
      for (let i = 0; i < n; i++) {
        const clientId = decoding.readVarUint(d);
        const clock = decoding.readVarUint(d);
        const state = decoding.readVarString(d);
        if (JSON.parse(state) === null) delete conn.awareness[clientId];
        else conn.awareness[clientId] = clock;
        entries.push({ clientId, clock, state });
      }
    } catch {
      throw new Refused(CLOSE_MALFORMED, 'Undecodable awareness message');
    }
    ws.serializeAttachment(conn);
    this.queueAwareness(entries, ws);
  }

  override async webSocketClose(ws: WebSocket): Promise<void> { this.leave(ws); }
  override async webSocketError(ws: WebSocket): Promise<void> { this.leave(ws); }

  private leave(ws: WebSocket) {
    const conn = ws.deserializeAttachment() as Connection | null;
    // Tell the others this socket's cursors are gone: state null at a newer clock.
    const gone = Object.entries(conn?.awareness ?? {}).map(([clientId, clock]) => ({ clientId: Number(clientId), clock: clock + 1, state: 'null' }));
    if (gone.length) this.queueAwareness(gone, ws);
    if (this.ctx.getWebSockets().filter((s) => s !== ws).length === 0) this.compactNow();
  }

  private broadcast(msg: Uint8Array, except?: WebSocket) {
    for (const ws of this.ctx.getWebSockets()) {
      if (ws === except) continue;
      try { ws.send(msg); } catch { /* a closing socket */ }
    }
  }
  // Stored updates go out together: everything the room stored within a few milliseconds is
  // merged into one message per socket, so a burst of n writers costs n sends to each socket,
  // not n × n, and each replica applies one update instead of many. An update goes back to its
  // own sender only when others wrote in the same window (Yjs skips what it has).
  private outbox: Array<{ update: Uint8Array; from: WebSocket | null }> = [];
  private awarenessOut: Array<{ entry: AwarenessEntry; from: WebSocket }> = [];
  private flushDue = false;
  private queueUpdate(update: Uint8Array, from: WebSocket | null) {
    this.outbox.push({ update, from });
    this.flushSoon();
  }

  // Awareness too: the latest entry of each client id in the window, in one message.
  private queueAwareness(entries: AwarenessEntry[], from: WebSocket) {
    for (const entry of entries) this.awarenessOut.push({ entry, from });
    this.flushSoon();
  }

  private flushSoon() {
    if (this.flushDue) return;
    this.flushDue = true;
    setTimeout(() => { this.flushDue = false; this.flushOutbox(); }, FLUSH_MS);
  }

  private flushOutbox() {
    const updates = this.outbox;
    const aware = this.awarenessOut;
    this.outbox = [];
    this.awarenessOut = [];
    const soleSender = (from: Array<WebSocket | null>) => (from.every((f) => f && f === from[0]) ? from[0]! : undefined);
    if (updates.length) {
      const merged = updates.length === 1 ? updates[0].update : Y.mergeUpdates(updates.map((b) => b.update));
      this.broadcast(syncMessage(SYNC_UPDATE, merged), soleSender(updates.map((u) => u.from)));
    }
    if (aware.length) {
      const latest = new Map<number, AwarenessEntry>();
      for (const { entry } of aware) if ((latest.get(entry.clientId)?.clock ?? -1) <= entry.clock) latest.set(entry.clientId, entry);
      this.broadcast(awarenessMessage([...latest.values()]), soleSender(aware.map((a) => a.from)));
    }
  }


  private compactNow() {
    this.core?.compact();
  }

  // Debounced with the room's alarm (no timers keep a room awake): one D1 write per burst.
  private projectionDue = false;
  private scheduleProjection() {
    if (this.projectionDue) return;
    this.projectionDue = true;
    void this.ctx.storage.getAlarm().then((at) => { if (at === null) return this.ctx.storage.setAlarm(Date.now() + 1000); });
  }

  // Writes the document's rows to D1 in one batch (all or nothing). A failure throws, and the
  // runtime retries the alarm with backoff, so D1 ends up equal to what the document says.
  override async alarm(): Promise<void> {
    this.projectionDue = false;
    const core = this.core;
    if (!core?.created) return;
    const id = core.docId;
    const hooks = HOOKS[id.kind];
    await hooks.onAlarm?.(this.hookRoom(core));
    const at = new Date().toISOString();
    const db = this.env.DB;
    const ctx = await hooks.projectionContext?.(this.hookRoom(core));
    const { deletes, inserts, updates = [] } = project(id, core.doc.getMap(id.kind).toJSON() as Record<string, Json>, core.doc.getMap('meta').toJSON() as Record<string, Json>, at, ctx);
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

  private async audit(writer: Writer, violations: Violation[]) {
    await this.env.DB.prepare("insert into audit_log (actor_id, actor_role, action, entity_type, entity_id, outcome, detail) values (?, ?, 'doc.write_refused', ?, ?, 'denied', ?)")
      .bind(writer.userId, writer.role, this.docId?.kind ?? null, this.docId?.id ?? null, JSON.stringify({ violations })).run();
  }

  // --- RPC for the Worker: batched catch-up and the server's commands ---

  // `corrected`: part of the update broke the write rules and was put back. `incomplete`: the
  // update depends on changes the room does not have; the caller sends its diff against the
  // returned state vector instead. `birth`: the Worker lets this caller create the document if
  // the room does not hold it yet.
  async sync(docId: string, stateVector: Uint8Array, update: Uint8Array | null, writer: Writer, birth?: Birth): Promise<{ diff: Uint8Array; stateVector: Uint8Array; corrected: boolean; incomplete: boolean; refused?: string }> {
    const core = this.bindDocId(docId, birth);
    let corrected = false;
    let incomplete = false;
    let refused: string | undefined;
    if (update && update.byteLength) {
      if (update.byteLength > this.maxMessageBytes) throw new Error(`Updates are limited to ${this.maxMessageBytes} bytes`);
      try {
        const { stored, correction, violations, gap } = this.applyClientUpdate(update, writer);
        incomplete = !!gap;
        if (stored) this.queueUpdate(stored, null);
        if (correction) this.queueUpdate(correction, null);
        // The server's own follow-up (a status step stamped in the history) is no correction:
        // `corrected` says that something the caller wrote was not kept.
        corrected = violations.length > 0;
      } catch (err) {
        if (!(err instanceof Refused)) throw err;
        refused = err.message;
      }
    }
    return { diff: Y.encodeStateAsUpdate(core.doc, stateVector), stateVector: Y.encodeStateVector(core.doc), corrected, incomplete, ...(refused ? { refused } : {}) };
  }

  // One of the server's steps (core/docs/kinds/commands.ts), checked and written in one go.
  async command(docId: string, cmd: RoomCommand): Promise<CommandOutcome> {
    let core: RoomCore;
    try { core = this.bindDocId(docId); } catch { return { ok: false, code: 'not_found', message: 'No such document', status: null }; }
    return this.serverCommand(core, (doc, at) => runCommand(doc, core.docId.kind, cmd, at)).result;
  }

  async snapshotJson(): Promise<{ docId: string | null; meta: unknown; body: unknown; log: { count: number; bytes: number } }> {
    const kind = this.docId?.kind;
    return { docId: this.docId?.id ?? null, meta: this.doc.getMap('meta').toJSON(), body: kind ? this.doc.getMap(kind).toJSON() : null, log: this.store.stats() };
  }

  async stateAsUpdate(): Promise<Uint8Array> {
    return Y.encodeStateAsUpdate(this.doc);
  }
}
