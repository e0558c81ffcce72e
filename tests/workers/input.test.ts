// Bad input gets a 4xx naming what is wrong, and changes nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../worker/app.ts';
import { seedDemo, signIn, tableDigest, type Api } from './fixtures.ts';

let hq: Api;
beforeAll(async () => {
  await seedDemo();
  hq = await signIn('hq@demo.test');
});

const DATA_TABLES = ['dealers', 'dealer_contacts', 'users', 'user_regions', 'invitations', 'products', 'price_lists'];

interface Case { name: string; path: string; method: string; body?: string; json?: unknown; status: number; code: string; field?: string }

const cases: Case[] = [
  { name: 'malformed JSON', path: '/api/dealers', method: 'POST', body: '{"name": "x",', status: 400, code: 'invalid_json' },
  { name: 'wrong types', path: '/api/dealers', method: 'POST', json: { code: 'OK-1', name: 42, type: 'dealer', parentId: 'dlr_00002' }, status: 400, code: 'invalid_input', field: 'name' },
  { name: 'unknown field', path: '/api/dealers', method: 'POST', json: { code: 'OK-2', name: 'Shop', type: 'dealer', parentId: 'dlr_00002', isVip: true }, status: 400, code: 'invalid_input', field: 'isVip' },
  { name: 'latitude out of range', path: '/api/dealers', method: 'POST', json: { code: 'OK-3', name: 'Shop', type: 'dealer', parentId: 'dlr_00002', lat: 91 }, status: 400, code: 'invalid_input', field: 'lat' },
  { name: 'unknown enum value', path: '/api/dealers', method: 'POST', json: { code: 'OK-4', name: 'Shop', type: 'shop', parentId: 'dlr_00002' }, status: 400, code: 'invalid_input', field: 'type' },
  { name: 'parent that does not exist', path: '/api/dealers', method: 'POST', json: { code: 'OK-5', name: 'Shop', type: 'dealer', parentId: 'dlr_nope', regionId: 'reg_north' }, status: 422, code: 'invalid_input', field: 'parentId' },
  { name: 'duplicate code', path: '/api/dealers', method: 'POST', json: { code: 'D00002', name: 'Shop', type: 'dealer', parentId: 'dlr_00001', regionId: 'reg_north' }, status: 409, code: 'conflict', field: 'code' },
  { name: 'empty patch', path: '/api/dealers/dlr_00002', method: 'PATCH', json: {}, status: 400, code: 'invalid_input' },
  { name: 'negative credit limit', path: '/api/dealers/dlr_00002', method: 'PATCH', json: { creditLimit: -5 }, status: 400, code: 'invalid_input', field: 'creditLimit' },
  { name: 'fractional credit limit', path: '/api/dealers/dlr_00002', method: 'PATCH', json: { creditLimit: 10.5 }, status: 400, code: 'invalid_input', field: 'creditLimit' },
  { name: 'bad id in the path', path: '/api/dealers/%27%3B%20drop%20table', method: 'GET', status: 404, code: 'not_found' },
  { name: 'id that does not exist', path: '/api/dealers/dlr_99999', method: 'PATCH', json: { name: 'x' }, status: 404, code: 'not_found' },
  { name: 'unknown query parameter', path: '/api/dealers?colour=red', method: 'GET', status: 400, code: 'invalid_input', field: 'colour' },
  { name: 'page size too large', path: '/api/dealers?pageSize=5000', method: 'GET', status: 400, code: 'invalid_input', field: 'pageSize' },
  { name: 'page not a number', path: '/api/dealers?page=abc', method: 'GET', status: 400, code: 'invalid_input', field: 'page' },
  { name: 'dealer user without dealer', path: '/api/users', method: 'POST', json: { email: 'a@b.example', name: 'A', role: 'dealer_staff' }, status: 400, code: 'invalid_input', field: 'dealerId' },
  { name: 'invalid email', path: '/api/users', method: 'POST', json: { email: 'not-an-email', name: 'A', role: 'analyst' }, status: 400, code: 'invalid_input', field: 'email' },
  { name: 'duplicate email', path: '/api/users', method: 'POST', json: { email: 'rep@demo.test', name: 'A', role: 'analyst' }, status: 409, code: 'conflict', field: 'email' },
  { name: 'unknown region', path: '/api/users/usr_rep_02', method: 'PATCH', json: { regionIds: ['reg_mars'] }, status: 422, code: 'invalid_input', field: 'regionIds' },
  { name: 'not JSON at all', path: '/api/session', method: 'POST', body: 'email=a&password=b', status: 415, code: 'unsupported_media_type' },
  { name: 'sign-in missing password', path: '/api/session', method: 'POST', json: { email: 'hq@demo.test' }, status: 400, code: 'invalid_input', field: 'password' },
  { name: 'unknown API path', path: '/api/nothing-here', method: 'GET', status: 404, code: 'not_found' },
];

describe('bad input', () => {
  for (const c of cases) {
    it(`${c.name}: ${c.status} ${c.code}${c.field ? ` naming ${c.field}` : ''}, nothing changed`, async () => {
      const before = await tableDigest(...DATA_TABLES);
      const init: RequestInit & { json?: unknown } = { method: c.method };
      if (c.json !== undefined) init.json = c.json;
      if (c.body !== undefined) init.body = c.body, init.headers = { 'content-type': c.name === 'not JSON at all' ? 'application/x-www-form-urlencoded' : 'application/json' };
      const res = await hq(c.path, init);
      expect(res.status).toBe(c.status);
      const body = await res.json<{ error: { code: string; message: string; fields?: Record<string, string> } }>();
      expect(body.error.code).toBe(c.code);
      expect(body.error.message.length).toBeGreaterThan(5);
      if (c.field) expect(Object.keys(body.error.fields ?? {})).toContain(c.field);
      expect(await tableDigest(...DATA_TABLES)).toBe(before);
    });
  }

  it(`an oversized body (over ${MAX_BODY_BYTES / 1024} KiB) gets 413 and changes nothing`, async () => {
    const before = await tableDigest(...DATA_TABLES);
    const res = await hq('/api/dealers', { method: 'POST', json: { code: 'BIG', name: 'x'.repeat(MAX_BODY_BYTES + 10), type: 'dealer', parentId: 'dlr_00002' } });
    expect(res.status).toBe(413);
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe('too_large');
    expect(await tableDigest(...DATA_TABLES)).toBe(before);
  });
});
