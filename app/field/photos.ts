// Photos from the visit form: shrunk on the device, kept in IndexedDB until the server has
// them, and named by their SHA-256 so the visit document can point at one before it is
// uploaded, and an interrupted upload is simply sent again.
import { MAX_PHOTO_BYTES, MAX_PHOTO_SIDE } from '../../core/validators/photos.ts';

export interface PhotoMeta {
  dealerId: string;
  visitId: string | null;
  lat: number | null;
  lng: number | null;
  width: number;
  height: number;
}

export interface QueuedPhoto extends PhotoMeta {
  sha: string;
  blob: Blob;
  // failed: the server refused it (4xx); it stays on the device, with the reason, until retried.
  state: 'queued' | 'failed';
  error: string | null;
  queuedAt: number;
}

export interface UploadRound { uploaded: number; failed: number; left: number }

const DB_NAME = 'fieldnet-photos';
const STORE = 'photos';

let dbPromise: Promise<IDBDatabase> | null = null;

function open(): Promise<IDBDatabase> {
  dbPromise ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'sha' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  return dbPromise;
}

// Resolves once the transaction commits, so "stored" means stored.
function tx<T>(mode: IDBTransactionMode, run: (store: IDBObjectStore) => IDBRequest): Promise<T> {
  return open().then((db) => new Promise<T>((resolve, reject) => {
    const t = db.transaction(STORE, mode);
    const req = run(t.objectStore(STORE));
    t.oncomplete = () => resolve(req.result as T);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error);
  }));
}

const getPhoto = (sha: string) => tx<QueuedPhoto | undefined>('readonly', (s) => s.get(sha));
const putPhoto = (p: QueuedPhoto) => tx<IDBValidKey>('readwrite', (s) => s.put(p));

async function removePhoto(sha: string): Promise<void> {
  await tx('readwrite', (s) => s.delete(sha));
  const url = objectUrls.get(sha);
  if (url) URL.revokeObjectURL(url);
  objectUrls.delete(sha);
}

// Re-encoding through a canvas also drops the camera's EXIF (GPS included): the only
// location that travels is the one passed in explicitly, which the brand may strip.
export async function downscale(file: Blob, maxSide = MAX_PHOTO_SIDE, quality = 0.82): Promise<{ blob: Blob; width: number; height: number }> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    throw new Error('This file is not a photo the app can read. Take the photo again.');
  }
  try {
    const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    return { blob: await toJpeg(bitmap, width, height, quality), width, height };
  } finally {
    bitmap.close();
  }
}

async function toJpeg(image: ImageBitmap, width: number, height: number, quality: number): Promise<Blob> {
  // JPEG has no transparency; without a fill a transparent PNG turns black.
  const draw = (ctx: OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D) => {
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, width, height);
    ctx.drawImage(image, 0, 0, width, height);
  };
  if (typeof OffscreenCanvas !== 'undefined') {
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d');
    if (ctx) {
      draw(ctx);
      return canvas.convertToBlob({ type: 'image/jpeg', quality });
    }
  }
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This browser cannot resize photos.');
  draw(ctx);
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('The photo could not be compressed.'))), 'image/jpeg', quality));
}

export async function sha256Hex(blob: Blob): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

// Shrinks, hashes and stores the photo on the device; the sha is what the visit records.
export async function queuePhoto(file: Blob, meta: { dealerId: string; visitId?: string | null; lat?: number | null; lng?: number | null }): Promise<QueuedPhoto> {
  let shrunk = await downscale(file);
  // A very detailed scene can still come out too large; lower the quality before giving up.
  for (const quality of [0.7, 0.55]) {
    if (shrunk.blob.size <= MAX_PHOTO_BYTES) break;
    shrunk = await downscale(file, MAX_PHOTO_SIDE, quality);
  }
  if (shrunk.blob.size > MAX_PHOTO_BYTES) throw new Error('This photo is too large even after shrinking it. Take it again from a little further away.');
  const photo: QueuedPhoto = {
    sha: await sha256Hex(shrunk.blob), blob: shrunk.blob, width: shrunk.width, height: shrunk.height,
    dealerId: meta.dealerId, visitId: meta.visitId ?? null, lat: meta.lat ?? null, lng: meta.lng ?? null,
    state: 'queued', error: null, queuedAt: Date.now(),
  };
  await putPhoto(photo);
  void uploadPending().catch(() => undefined);
  return photo;
}

export async function pendingPhotos(): Promise<QueuedPhoto[]> {
  const all = await tx<QueuedPhoto[]>('readonly', (s) => s.getAll());
  return all.sort((a, b) => a.queuedAt - b.queuedAt);
}

// A refused photo goes back in the queue once the reason has been dealt with.
export async function retryPhoto(sha: string): Promise<void> {
  const photo = await getPhoto(sha);
  if (photo) await putPhoto({ ...photo, state: 'queued', error: null });
}

const objectUrls = new Map<string, string>();

// The device's copy while it has one, so a thumbnail shows offline right after the shot.
export async function photoUrl(sha: string): Promise<string> {
  const known = objectUrls.get(sha);
  if (known) return known;
  const photo = await getPhoto(sha).catch(() => undefined);
  if (!photo) return `/api/photos/${sha}`;
  const url = URL.createObjectURL(photo.blob);
  objectUrls.set(sha, url);
  return url;
}

function uploadUrl(p: QueuedPhoto): string {
  const q = new URLSearchParams({ dealer: p.dealerId, w: String(p.width), h: String(p.height) });
  if (p.visitId) q.set('visit', p.visitId);
  if (p.lat !== null && p.lng !== null) q.set('lat', String(p.lat)), q.set('lng', String(p.lng));
  return `/api/photos/${p.sha}?${q}`;
}

async function refusal(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: { message?: string } };
    return body.error?.message ?? `The server refused this photo (${res.status}).`;
  } catch {
    return `The server refused this photo (${res.status}).`;
  }
}

// Signed out, throttled or timed out: the photo is fine, the moment is not.
const TRANSIENT_4XX = new Set([401, 408, 429]);

async function drain(): Promise<UploadRound> {
  const round: UploadRound = { uploaded: 0, failed: 0, left: 0 };
  const queue = await pendingPhotos();
  for (const [i, p] of queue.entries()) {
    if (p.state === 'failed') continue;
    let res: Response;
    try {
      // Resume: whatever reached the server before the connection dropped is not sent twice.
      const head = await fetch(`/api/photos/${p.sha}`, { method: 'HEAD', credentials: 'same-origin' });
      res = head.ok ? head : await fetch(uploadUrl(p), {
        method: 'PUT', credentials: 'same-origin', headers: { 'content-type': p.blob.type || 'image/jpeg' }, body: p.blob,
      });
    } catch {
      round.left = queue.slice(i).filter((x) => x.state === 'queued').length;
      return round;
    }
    if (res.ok) {
      await removePhoto(p.sha);
      round.uploaded++;
    } else if (res.status < 500 && !TRANSIENT_4XX.has(res.status)) {
      await putPhoto({ ...p, state: 'failed', error: await refusal(res) });
      round.failed++;
    } else {
      round.left = queue.slice(i).filter((x) => x.state === 'queued').length;
      return round;
    }
  }
  return round;
}

let running: Promise<UploadRound> | null = null;

// One round at a time; a call during a round shares it. Anything left waits for the next call.
export function uploadPending(): Promise<UploadRound> {
  running ??= drain().finally(() => { running = null; });
  return running;
}

export function startPhotoUploads(): () => void {
  const run = () => { void uploadPending().catch(() => undefined); };
  window.addEventListener('online', run);
  run();
  return () => window.removeEventListener('online', run);
}
