import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, seedDemo, signIn, tableDigest } from './fixtures.ts';

beforeAll(async () => { await seedDemo(); });

const audits = async (action: string) => (await env.DB.prepare('select * from audit_log where action = ? order by id').bind(action).all()).results;

describe('sign-in', () => {
  it('signs in with a __Host- cookie that is HttpOnly, Secure and SameSite=Lax', async () => {
    const res = await call()('/api/session', { method: 'POST', json: { email: 'HQ@demo.test', password: 'Demo-2026!' } });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^__Host-sid=[\w-]{40,};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    const body = await res.json<{ user: { email: string; role: string } }>();
    expect(body.user).toMatchObject({ email: 'hq@demo.test', role: 'hq_admin' });
    // Only a hash of the token is stored.
    const token = cookie.split(';')[0].split('=')[1];
    expect(await env.DB.prepare('select count(*) as n from sessions where id = ?').bind(token).first('n')).toBe(0);
  });

  it('refuses a wrong password and an unknown account alike, and audits both', async () => {
    const before = (await audits('session.sign_in')).length;
    for (const email of ['hq@demo.test', 'nobody@demo.test']) {
      const res = await call()('/api/session', { method: 'POST', json: { email, password: 'wrong-password' }, headers: { 'cf-connecting-ip': '10.9.9.9' } });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: { code: 'invalid_credentials', message: 'That email or password is not right.' } });
      expect(res.headers.get('set-cookie')).toBeNull();
    }
    const rows = await audits('session.sign_in');
    expect(rows.length - before).toBe(2);
    expect(rows.slice(-2).every((r) => r.outcome === 'failed')).toBe(true);
  });

  it('rate-limits an account after repeated failures with Retry-After, even with the right password', async () => {
    const attempt = (password: string, ip: string) => call()('/api/session', { method: 'POST', json: { email: 'analyst@demo.test', password }, headers: { 'cf-connecting-ip': ip } });
    for (let i = 0; i < 5; i++) expect((await attempt('nope-nope', `10.1.0.${i}`)).status).toBe(401);
    const locked = await attempt('Demo-2026!', '10.1.1.1');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = await locked.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe('rate_limited');
    expect(body.error.message).toMatch(/try again in \d+ seconds/i);
  });

  it('rate-limits an address that tries many accounts', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await call()('/api/session', { method: 'POST', json: { email: `guess${i}@demo.test`, password: 'x' }, headers: { 'cf-connecting-ip': '10.2.2.2' } });
      expect(res.status).toBe(401);
    }
    const res = await call()('/api/session', { method: 'POST', json: { email: 'rep@demo.test', password: 'Demo-2026!' }, headers: { 'cf-connecting-ip': '10.2.2.2' } });
    expect(res.status).toBe(429);
  });

  it('signs out: the session ends and the cookie is cleared', async () => {
    const api = await signIn('rep@demo.test');
    expect((await api('/api/me')).status).toBe(200);
    const out = await api('/api/session', { method: 'DELETE' });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    expect((await api('/api/me')).status).toBe(401);
  });

  it('rotates the session at sign-in: the old token stops working', async () => {
    const first = await signIn('staff@demo.test');
    const res = await call(first.cookie)('/api/session', { method: 'POST', json: { email: 'staff@demo.test', password: 'Demo-2026!' } });
    expect(res.status).toBe(200);
    const second = (res.headers.get('set-cookie') ?? '').split(';')[0];
    expect(second).not.toBe(first.cookie);
    expect((await first('/api/me')).status).toBe(401);
    expect((await call(second)('/api/me')).status).toBe(200);
  });

  it('an expired session is refused', async () => {
    const api = await signIn('supplier@demo.test');
    await env.DB.prepare("update sessions set expires_at = '2000-01-01T00:00:00.000Z' where user_id = 'usr_supplier'").run();
    const res = await api('/api/me');
    expect(res.status).toBe(401);
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe('unauthenticated');
  });
});

describe('CSRF', () => {
  it('refuses a state-changing request from another origin, changes nothing and audits it', async () => {
    const api = await signIn('hq@demo.test');
    const before = await tableDigest('dealers');
    for (const origin of ['https://evil.example', '']) {
      const res = await api('/api/dealers', { method: 'POST', headers: origin ? { origin } : { origin: 'null' }, json: { code: 'X1', name: 'Evil', type: 'distributor', parentId: 'dlr_00001' } });
      expect(res.status).toBe(403);
      expect((await res.json<{ error: { code: string } }>()).error.code).toBe('bad_origin');
    }
    expect(await tableDigest('dealers')).toBe(before);
    expect((await audits('request.bad_origin')).length).toBeGreaterThanOrEqual(2);
  });
});

describe('invitations', () => {
  it('HQ invites a user who sets a password through the one-time link and is signed in', async () => {
    const hq = await signIn('hq@demo.test');
    const created = await hq('/api/users', { method: 'POST', json: { email: 'new.rep@demo.test', name: 'New Rep', role: 'field_rep', regionIds: ['reg_north'] } });
    expect(created.status).toBe(201);
    const { user, inviteUrl } = await created.json<{ user: { id: string; status: string }; inviteUrl: string }>();
    expect(user.status).toBe('invited');
    const token = inviteUrl.split('/invite/')[1];
    // Not yet able to sign in.
    expect((await call()('/api/session', { method: 'POST', json: { email: 'new.rep@demo.test', password: 'a-long-password' }, headers: { 'cf-connecting-ip': '10.5.5.5' } })).status).toBe(401);

    const tooShort = await call()('/api/invitations/accept', { method: 'POST', json: { token, password: 'short' } });
    expect(tooShort.status).toBe(400);
    expect((await tooShort.json<{ error: { fields: Record<string, string> } }>()).error.fields.password).toMatch(/10 characters/);

    const accepted = await call()('/api/invitations/accept', { method: 'POST', json: { token, password: 'a-long-password' } });
    expect(accepted.status).toBe(200);
    const cookie = (accepted.headers.get('set-cookie') ?? '').split(';')[0];
    expect((await (await call(cookie)('/api/me')).json<{ user: { role: string } }>()).user.role).toBe('field_rep');

    const again = await call()('/api/invitations/accept', { method: 'POST', json: { token, password: 'another-long-password' } });
    expect(again.status).toBe(400);
    expect((await again.json<{ error: { message: string } }>()).error.message).toMatch(/expired or was already used/);
  });

  it('a regional manager invites nobody', async () => {
    const manager = await signIn('manager@demo.test');
    const res = await manager('/api/users', { method: 'POST', json: { email: 'x@demo.test', name: 'X', role: 'hq_admin' } });
    expect(res.status).toBe(403);
    expect(await env.DB.prepare("select count(*) as n from users where email = 'x@demo.test'").first('n')).toBe(0);
  });

  it('disabling a user ends their sessions', async () => {
    const hq = await signIn('hq@demo.test');
    const staff = await signIn('staff@demo.test');
    const res = await hq('/api/users/usr_dealer_staff', { method: 'PATCH', json: { status: 'disabled' } });
    expect(res.status).toBe(200);
    expect((await staff('/api/me')).status).toBe(401);
  });
});

describe('the audit log', () => {
  it('is append-only in the database itself', async () => {
    await expect(env.DB.prepare("update audit_log set action = 'x'").run()).rejects.toThrow(/append-only/);
    await expect(env.DB.prepare('delete from audit_log').run()).rejects.toThrow(/append-only/);
  });
});
