// Web Push with WebCrypto only, so it runs in Workers (and Node for tests): the payload is
// encrypted per RFC 8291 (Content-Encoding: aes128gcm, RFC 8188) and the request is signed
// with a VAPID JWT per RFC 8292 (ES256).

export interface PushSubscriptionKeys { endpoint: string; p256dh: string; auth: string }
export interface VapidKeys { publicKey: string; privateKey: string; subject: string }

const enc = new TextEncoder();

export function b64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromB64url(s: string): Uint8Array<ArrayBuffer> {
  const b = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4));
  const out = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i++) out[i] = b.charCodeAt(i);
  return out;
}

export function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

export async function hkdf(salt: Uint8Array, ikm: Uint8Array, info: Uint8Array, bytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const key = await crypto.subtle.importKey('raw', concat(ikm), 'HKDF', false, ['deriveBits']);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: concat(salt), info: concat(info) }, key, bytes * 8));
}

// The VAPID private key as configured: a JWK (JSON) or the raw 32-byte scalar in base64url,
// whose public half comes from the VAPID public key (65 bytes, uncompressed point).
export async function importVapidPrivateKey(privateKey: string, publicKey: string): Promise<CryptoKey> {
  const trimmed = privateKey.trim();
  let jwk: JsonWebKey;
  if (trimmed.startsWith('{')) {
    jwk = { ...(JSON.parse(trimmed) as JsonWebKey), key_ops: ['sign'] };
  } else {
    const pub = fromB64url(publicKey);
    if (pub.length !== 65 || pub[0] !== 4) throw new Error('VAPID_PUBLIC_KEY must be an uncompressed P-256 point (65 bytes, base64url)');
    jwk = { kty: 'EC', crv: 'P-256', d: trimmed, x: b64url(pub.slice(1, 33)), y: b64url(pub.slice(33, 65)), ext: true };
  }
  return crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', d: jwk.d, x: jwk.x, y: jwk.y, ext: true }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
}

// RFC 8292: Authorization: vapid t=<JWT for the push service's origin>, k=<public key>.
export async function vapidAuthorization(endpoint: string, vapid: VapidKeys, key: CryptoKey, nowSec = Math.floor(Date.now() / 1000)): Promise<string> {
  const header = b64url(enc.encode(JSON.stringify({ typ: 'JWT', alg: 'ES256' })));
  const claims = b64url(enc.encode(JSON.stringify({ aud: new URL(endpoint).origin, exp: nowSec + 12 * 3600, sub: vapid.subject })));
  const signature = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, enc.encode(`${header}.${claims}`)));
  return `vapid t=${header}.${claims}.${b64url(signature)}, k=${vapid.publicKey}`;
}

// RFC 8291 §3.4 and RFC 8188: one record, salt || rs || idlen || as_public || ciphertext.
export async function encryptPayload(payload: Uint8Array, p256dh: string, auth: string, opts: { salt?: Uint8Array; localKeys?: CryptoKeyPair } = {}): Promise<Uint8Array<ArrayBuffer>> {
  const uaPublic = fromB64url(p256dh);
  const authSecret = fromB64url(auth);
  if (uaPublic.length !== 65 || uaPublic[0] !== 4) throw new Error('p256dh must be an uncompressed P-256 point');
  if (authSecret.length < 16) throw new Error('auth must be 16 bytes');
  const local = opts.localKeys ?? (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']) as CryptoKeyPair);
  const asPublic = new Uint8Array(await crypto.subtle.exportKey('raw', local.publicKey) as ArrayBuffer);
  const uaKey = await crypto.subtle.importKey('raw', uaPublic, { name: 'ECDH', namedCurve: 'P-256' }, false, []);
  const ecdhSecret = new Uint8Array(await crypto.subtle.deriveBits(ecdh(uaKey), local.privateKey, 256));
  const ikm = await hkdf(authSecret, ecdhSecret, concat(enc.encode('WebPush: info\0'), uaPublic, asPublic), 32);
  const salt = opts.salt ?? crypto.getRandomValues(new Uint8Array(16));
  const cek = await hkdf(salt, ikm, enc.encode('Content-Encoding: aes128gcm\0'), 16);
  const nonce = await hkdf(salt, ikm, enc.encode('Content-Encoding: nonce\0'), 12);
  const key = await crypto.subtle.importKey('raw', cek, 'AES-GCM', false, ['encrypt']);
  // The last (and only) record ends with the delimiter 0x02.
  const cipher = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce }, key, concat(payload, Uint8Array.of(2))));
  const rs = 4096;
  const header = concat(salt, Uint8Array.of((rs >>> 24) & 255, (rs >>> 16) & 255, (rs >>> 8) & 255, rs & 255, asPublic.length), asPublic);
  return concat(header, cipher);
}

// The standard spelling ({ public }); Workers' type definitions call the field $public.
const ecdh = (publicKey: CryptoKey) => ({ name: 'ECDH', public: publicKey }) as unknown as Parameters<typeof crypto.subtle.deriveBits>[0];

export interface PushRequest { url: string; init: { method: 'POST'; headers: Record<string, string>; body: Uint8Array<ArrayBuffer> } }

// The whole request for one subscription; the caller sends it with fetch.
export async function buildPushRequest(sub: PushSubscriptionKeys, payload: string, vapid: VapidKeys, key: CryptoKey, ttlSeconds = 24 * 3600): Promise<PushRequest> {
  const body = await encryptPayload(enc.encode(payload), sub.p256dh, sub.auth);
  return {
    url: sub.endpoint,
    init: {
      method: 'POST',
      headers: {
        authorization: await vapidAuthorization(sub.endpoint, vapid, key),
        'content-encoding': 'aes128gcm',
        'content-type': 'application/octet-stream',
        ttl: String(ttlSeconds),
        urgency: 'normal',
      },
      body,
    },
  };
}
