// A small key-value store in IndexedDB for API reads, so screens open with the network off
// (Ink & Switch: the user's data is on the device, the network is optional).
const DB_NAME = 'fieldnet-cache';
const STORE = 'responses';

export interface CachedEntry<T = unknown> { value: T; at: number }

let dbPromise: Promise<IDBDatabase> | null = null;

function open(): Promise<IDBDatabase> {
  dbPromise ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  return dbPromise;
}

function tx<T>(mode: IDBTransactionMode, run: (store: IDBObjectStore) => IDBRequest): Promise<T> {
  return open().then((db) => new Promise<T>((resolve, reject) => {
    const req = run(db.transaction(STORE, mode).objectStore(STORE));
    req.onsuccess = () => resolve(req.result as T);
    req.onerror = () => reject(req.error);
  }));
}

export const cacheGet = <T>(key: string) => tx<CachedEntry<T> | undefined>('readonly', (s) => s.get(key)).catch(() => undefined);
export const cachePut = (key: string, value: unknown) => tx<void>('readwrite', (s) => s.put({ value, at: Date.now() }, key)).catch(() => undefined);
export const cacheClear = () => tx<void>('readwrite', (s) => s.clear()).catch(() => undefined);
