// Web Push encryption and VAPID, checked from the receiving side: the test plays the browser,
// decrypts what encryptPayload made with the subscription's private key (RFC 8291 / RFC 8188),
// and verifies the VAPID JWT with the public key (RFC 8292).
import { describe, expect, it } from 'vitest';
import { b64url, buildPushRequest, concat, encryptPayload, fromB64url, hkdf, importVapidPrivateKey, vapidAuthorization } from '../../core/push/webpush.ts';

const enc = new TextEncoder();

async function browserKeys() {
  const pair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']) as CryptoKeyPair;
  const pub = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey) as ArrayBuffer);
  const auth = crypto.getRandomValues(new Uint8Array(16));
  return { pair, p256dh: b64url(pub), auth: b64url(auth), pub, authBytes: auth };
}

// What a browser does with an aes128gcm push message.
async function decrypt(body: Uint8Array, ua: Awaited<ReturnType<typeof browserKeys>>): Promise<string> {
  const salt = body.slice(0, 16);
  const rs = new DataView(body.buffer, body.byteOffset + 16, 4).getUint32(0);
  const idlen = body[20];
  const asPublic = body.slice(21, 21 + idlen);
  const cipher = body.slice(21 + idlen);
  expect(rs).toBe(4096);
  expect(idlen).toBe(65);
  const asKey = await crypto.subtle.importKey('raw', asPublic, { name: 'ECDH', namedCurve: 'P-256' }, false, []);
  const secret = new Uint8Array(await crypto.subtle.deriveBits({ name: 'ECDH', public: asKey }, ua.pair.privateKey, 256));
  const ikm = await hkdf(ua.authBytes, secret, concat(enc.encode('WebPush: info\0'), ua.pub, asPublic), 32);
  const cek = await hkdf(salt, ikm, enc.encode('Content-Encoding: aes128gcm\0'), 16);
  const nonce = await hkdf(salt, ikm, enc.encode('Content-Encoding: nonce\0'), 12);
  const key = await crypto.subtle.importKey('raw', cek, 'AES-GCM', false, ['decrypt']);
  const plain = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: nonce }, key, cipher));
  expect(plain[plain.length - 1]).toBe(2);
  return new TextDecoder().decode(plain.slice(0, -1));
}

async function vapidPair() {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']) as CryptoKeyPair;
  const pub = b64url(new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey) as ArrayBuffer));
  const jwk = await crypto.subtle.exportKey('jwk', pair.privateKey);
  return { pair, publicKey: pub, rawPrivate: jwk.d!, jwk: JSON.stringify(jwk) };
}

describe('Web Push payload encryption (aes128gcm)', () => {
  it('decrypts with the subscription private key to the payload', async () => {
    const ua = await browserKeys();
    const payload = JSON.stringify({ title: 'Order approved', body: 'Your order ORD-1 was approved', url: '/portal/orders/x' });
    const body = await encryptPayload(enc.encode(payload), ua.p256dh, ua.auth);
    expect(await decrypt(body, ua)).toBe(payload);
  });

  it('uses a fresh salt and key each time', async () => {
    const ua = await browserKeys();
    const a = await encryptPayload(enc.encode('x'), ua.p256dh, ua.auth);
    const b = await encryptPayload(enc.encode('x'), ua.p256dh, ua.auth);
    expect(b64url(a.slice(0, 86))).not.toBe(b64url(b.slice(0, 86)));
  });

  it('cannot be read with another browser\'s keys', async () => {
    const ua = await browserKeys();
    const other = await browserKeys();
    const body = await encryptPayload(enc.encode('secret'), ua.p256dh, ua.auth);
    await expect(decrypt(body, other)).rejects.toThrow();
  });

  it('refuses malformed subscription keys', async () => {
    await expect(encryptPayload(enc.encode('x'), b64url(new Uint8Array(10)), b64url(new Uint8Array(16)))).rejects.toThrow(/p256dh/);
  });
});

describe('VAPID', () => {
  for (const form of ['raw', 'jwk'] as const) {
    it(`signs an ES256 JWT for the push service origin (private key as ${form})`, async () => {
      const v = await vapidPair();
      const key = await importVapidPrivateKey(form === 'raw' ? v.rawPrivate : v.jwk, v.publicKey);
      const header = await vapidAuthorization('https://push.example.test/send/abc', { publicKey: v.publicKey, privateKey: '', subject: 'mailto:ops@example.test' }, key, 1_000_000);
      const m = /^vapid t=([^.]+)\.([^.]+)\.([^,]+), k=(.+)$/.exec(header)!;
      expect(m).toBeTruthy();
      expect(m[4]).toBe(v.publicKey);
      expect(JSON.parse(new TextDecoder().decode(fromB64url(m[1])))).toEqual({ typ: 'JWT', alg: 'ES256' });
      expect(JSON.parse(new TextDecoder().decode(fromB64url(m[2])))).toEqual({ aud: 'https://push.example.test', exp: 1_000_000 + 12 * 3600, sub: 'mailto:ops@example.test' });
      const ok = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, v.pair.publicKey, fromB64url(m[3]), enc.encode(`${m[1]}.${m[2]}`));
      expect(ok).toBe(true);
    });
  }

  it('builds the whole request: POST, aes128gcm, TTL, vapid authorization', async () => {
    const v = await vapidPair();
    const ua = await browserKeys();
    const vapid = { publicKey: v.publicKey, privateKey: v.rawPrivate, subject: 'mailto:ops@example.test' };
    const req = await buildPushRequest({ endpoint: 'https://push.example.test/send/1', p256dh: ua.p256dh, auth: ua.auth }, '{"title":"Hi"}', vapid, await importVapidPrivateKey(vapid.privateKey, vapid.publicKey), 60);
    expect(req.url).toBe('https://push.example.test/send/1');
    expect(req.init.method).toBe('POST');
    expect(req.init.headers).toMatchObject({ 'content-encoding': 'aes128gcm', ttl: '60', 'content-type': 'application/octet-stream' });
    expect(req.init.headers.authorization).toMatch(/^vapid t=.+, k=/);
    expect(await decrypt(req.init.body, ua)).toBe('{"title":"Hi"}');
  });
});
