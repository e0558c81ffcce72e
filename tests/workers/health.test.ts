import { env } from 'cloudflare:test';
import { exports } from 'cloudflare:workers';
import { expect, it } from 'vitest';

it('serves the health check and has the schema applied', async () => {
  const res = await exports.default.fetch('http://localhost/api/health');
  expect(res.status).toBe(200);
  const row = await env.DB.prepare("select count(*) as n from sqlite_master where type='table' and name='dealers'").first<{ n: number }>();
  expect(row?.n).toBe(1);
});
