import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate, seed } from '../../src/api.js';
import { createDatabase, query, useFreshDatabase } from '../support/fresh-database.js';
import { tempDir } from '../support/migrations-dir.js';
import { ROOT } from '../support/spawn.js';

const db = useFreshDatabase();
const migrationsFolder = join(ROOT, 'drizzle');
const small = { grids: 2, gridsquaresPerGrid: 12, foilholesPerGridsquare: 8, micrographsPerFoilhole: 3 };

/** What the demo loaded, as one digest per table (so two loads can be compared row for row). */
async function digest(url: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of ['acquisition', 'grid', 'gridsquare', 'foilhole', 'micrograph', 'overallqualityprediction']) {
    const [row] = await query<{ d: string }>(
      url,
      `select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as d from (select * from ${table}) t`,
    );
    out[table] = row!.d;
  }
  return out;
}

describe('seed', () => {
  it('on a database without the schema, says to run upgrade first (exit 3), and seeds nothing', async () => {
    const refused = await seed({ url: db.url, migrationsFolder, demo: { seed: 1, shape: small } }).then(
      () => undefined,
      (e: Error & { code?: string }) => e,
    );
    expect(refused).toMatchObject({ code: 'NOT_AT_HEAD', message: expect.stringContaining('smartem-db upgrade') });
    expect(refused!.message).toContain('nothing was seeded');
  });

  it('runs the reference seeds idempotently: twice gives the same rows', async () => {
    await migrate({ url: db.url, migrationsFolder });
    const first = await seed({ url: db.url, migrationsFolder });
    expect(first.modules).toEqual(['reference data: prediction models and quality metrics']);
    const rows = () => query(db.url, 'select name, level, can_train from qualitypredictionmodel order by name');
    const once = await rows();
    expect(once.map((r) => r.name)).toEqual(['Bender', 'Claptrap', 'R2-D2', 'WALL-E']);
    await seed({ url: db.url, migrationsFolder });
    expect(await rows()).toEqual(once);
  });

  it('loads a demo session in the proportions of a real one, the same for the same seed, and only once', async () => {
    await migrate({ url: db.url, migrationsFolder });
    const report = await seed({ url: db.url, migrationsFolder, demo: { seed: 7, shape: small } });
    expect(report.demo).toMatchObject({ loaded: true });
    const counts = report.demo!.rows;
    expect(counts.grid).toBe(2);
    expect(counts.atlastile).toBe(18);
    expect(counts.gridsquare! / counts.grid!).toBeGreaterThanOrEqual(6);
    expect(counts.gridsquare! / counts.grid!).toBeLessThanOrEqual(18);
    expect(counts.micrograph! / counts.foilhole!).toBeGreaterThan(1.5);
    expect(counts.micrograph! / counts.foilhole!).toBeLessThan(4.5);
    const [ranges] = await query<{ lo: number; hi: number; statuses: number; first: string; last: string }>(
      db.url,
      `select min(defocus) as lo, max(defocus) as hi, count(distinct status)::int as statuses,
              min(acquisition_datetime)::text as first, max(acquisition_datetime)::text as last from micrograph`,
    );
    expect(ranges!.lo).toBeGreaterThanOrEqual(-3.0);
    expect(ranges!.hi).toBeLessThanOrEqual(-0.8);
    expect(ranges!.statuses).toBeGreaterThan(1);
    expect(ranges!.first < ranges!.last).toBe(true);

    // The same seed on another database: the same rows. Again here: recognised, not loaded twice.
    const other = await createDatabase();
    try {
      await migrate({ url: other.url, migrationsFolder });
      await seed({ url: other.url, migrationsFolder, demo: { seed: 7, shape: small } });
      expect(await digest(other.url)).toEqual(await digest(db.url));
    } finally {
      await other.drop();
    }
    const again = await seed({ url: db.url, migrationsFolder, demo: { seed: 7, shape: small } });
    expect(again.demo).toMatchObject({ loaded: false });
    expect((await query<{ n: number }>(db.url, 'select count(*)::int as n from micrograph'))[0]!.n).toBe(
      counts.micrograph,
    );
  });

  it('is refused under NODE_ENV=production unless forced, and a failing seed leaves nothing', async () => {
    await migrate({ url: db.url, migrationsFolder });
    await expect(seed({ url: db.url, migrationsFolder, env: { NODE_ENV: 'production' } })).rejects.toMatchObject({
      message: expect.stringContaining('NODE_ENV is production: smartem-db does not seed a production database'),
    });
    const seeds = tempDir();
    mkdirSync(seeds, { recursive: true });
    writeFileSync(
      join(seeds, 'a-good.mjs'),
      "export default { description: 'a metric', run: async ({ db }) => { await db.execute(\"insert into qualitymetric values ('m', 'x')\"); } };\n",
    );
    writeFileSync(
      join(seeds, 'b-bad.mjs'),
      "export default { description: 'broken', run: async () => { throw new Error('boom'); } };\n",
    );
    await expect(
      seed({ url: db.url, migrationsFolder, seeds, env: { NODE_ENV: 'production' }, force: true }),
    ).rejects.toThrow('boom');
    expect(await query(db.url, 'select * from qualitymetric')).toEqual([]);

    // A module that is not a seed is named, with the field at fault, before anything runs.
    writeFileSync(join(seeds, 'c-not-a-seed.mjs'), "export default { description: 'odd', run: 'insert into x' };\n");
    const refused = await seed({ url: db.url, migrationsFolder, seeds }).then(
      () => undefined,
      (e: Error & { code?: string }) => e,
    );
    expect(refused).toMatchObject({ code: 'CONFIG_INVALID' });
    expect(refused!.message).toContain(`The seed module ${join(seeds, 'c-not-a-seed.mjs')}`);
    expect(refused!.message).toContain('run: expected a function');
    expect(await query(db.url, 'select * from qualitymetric')).toEqual([]);
  });

  it('loads a demo into the embedded database too', async () => {
    const cwd = tempDir();
    const embedded = { migrationsFolder, cwd, env: {}, embedded: true as const };
    await migrate(embedded);
    const report = await seed({ ...embedded, demo: { seed: 3, shape: { ...small, grids: 1 } } });
    expect(report.demo!.rows.micrograph).toBeGreaterThan(0);
  });
});
