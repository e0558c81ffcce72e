import type { UpdateStore } from './storage.ts';

// The room's SQLite: one row per stored update; compaction swaps the rows for one snapshot
// inside a single transaction, so a crash leaves either the old log or the new snapshot. The
// log's size is counted once and then kept, since the room asks for it after every update.
export class SqliteUpdateStore implements UpdateStore {
  private readonly storage: DurableObjectStorage;
  private counted: { count: number; bytes: number } | null = null;
  constructor(storage: DurableObjectStorage) {
    this.storage = storage;
    storage.sql.exec('create table if not exists updates (seq integer primary key autoincrement, data blob not null, bytes integer not null)');
    storage.sql.exec('create table if not exists client_owners (client integer primary key, owner text not null)');
  }
  loadOwners() {
    return new Map([...this.storage.sql.exec<{ client: number; owner: string }>('select client, owner from client_owners')].map((r) => [r.client, r.owner] as [number, string]));
  }
  addOwners(owners: Array<[number, string]>) {
    for (const [client, owner] of owners) this.storage.sql.exec('insert or ignore into client_owners (client, owner) values (?, ?)', client, owner);
  }
  append(update: Uint8Array) {
    const s = this.stats();
    this.storage.sql.exec('insert into updates (data, bytes) values (?, ?)', update, update.byteLength);
    this.counted = { count: s.count + 1, bytes: s.bytes + update.byteLength };
  }
  loadAll() {
    return [...this.storage.sql.exec<{ data: ArrayBuffer }>('select data from updates order by seq')].map((r) => new Uint8Array(r.data));
  }
  compact(snapshot: Uint8Array) {
    this.storage.transactionSync(() => {
      this.storage.sql.exec('delete from updates');
      this.storage.sql.exec('insert into updates (data, bytes) values (?, ?)', snapshot, snapshot.byteLength);
    });
    this.counted = { count: 1, bytes: snapshot.byteLength };
  }
  stats() {
    if (!this.counted) {
      const row = [...this.storage.sql.exec<{ n: number; b: number }>('select count(*) as n, coalesce(sum(bytes), 0) as b from updates')][0];
      this.counted = { count: row?.n ?? 0, bytes: row?.b ?? 0 };
    }
    return { ...this.counted };
  }
}
