import { describe, expect, it } from 'vitest';
import { doctor, migrate } from '../../src/api.js';
import type { Finding } from '../../src/doctor/finding.js';
import { query, useFreshDatabase } from '../support/fresh-database.js';
import { writeMigrations } from '../support/migrations-dir.js';

const db = useFreshDatabase();

// autovacuum off for the table, so what the doctor sees is what the test made, not what a worker mended.
const schema = `create table reading (id int primary key, grid varchar, note text) with (autovacuum_enabled = false);
create index ix_reading_grid on reading (grid);`;

const of = (findings: Finding[], check: Finding['check'], severity: Finding['severity']) =>
  findings.filter((f) => f.check === check && f.severity === severity);

/** The table's statistics as pg_stat_user_tables shows them, once this session's counts have been sent. */
async function statsOf(url: string): Promise<{ dead: number; modified: number }> {
  for (let i = 0; i < 100; i++) {
    const [row] = await query<{ dead: number; modified: number }>(
      url,
      "select n_dead_tup::int as dead, n_mod_since_analyze::int as modified from pg_stat_user_tables where relname = 'reading'",
    );
    if (row && (row.dead > 0 || row.modified > 0)) return row;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the statistics never showed the changes');
}

describe('doctor: vacuum, analyze, bloat and the statistics window', () => {
  it('names a table with dead rows autovacuum left and one never analyzed, and neither once vacuumed and analyzed', async () => {
    const migrationsFolder = writeMigrations([{ name: 'schema', up: schema }]);
    await migrate({ url: db.url, migrationsFolder });
    await query(db.url, "insert into reading select i, 'g' || (i % 50), 'x' from generate_series(1, 30000) i");
    await query(db.url, 'delete from reading where id <= 20000');
    expect(await statsOf(db.url)).toMatchObject({ dead: 20000 });

    const before = await doctor({ url: db.url, migrationsFolder, drift: false });
    const [dead] = of(before.findings, 'vacuum', 'warn').filter((f) => f.message.includes('dead rows'));
    expect(dead!.objects).toEqual([
      expect.stringMatching(/^public\.reading: 20,000 dead rows beside 10,000 live \(200%\), vacuumed never$/),
    ]);
    expect(dead!.fix).toContain('VACUUM (ANALYZE) "public"."reading";');
    const [stale] = of(before.findings, 'vacuum', 'warn').filter((f) => f.message.includes('planner statistics'));
    expect(stale!.objects).toEqual([
      expect.stringMatching(/^public\.reading: [\d,]+ rows changed since it was created, never analyzed/),
    ]);
    expect(stale!.fix).toContain('ANALYZE "public"."reading";');

    await query(db.url, 'vacuum (analyze) reading');
    const after = await doctor({ url: db.url, migrationsFolder, drift: false });
    expect(of(after.findings, 'vacuum', 'warn')).toEqual([]);
    expect(of(after.findings, 'vacuum', 'info')[0]!.message).toMatch(
      /analyzed longest ago: public\.reading \(\d+ min ago\)/,
    );
  });

  it('estimates a table that vacuum left mostly empty as bloated, and its index too, beyond the threshold asked for', async () => {
    const migrationsFolder = writeMigrations([{ name: 'schema', up: schema }]);
    await migrate({ url: db.url, migrationsFolder });
    await query(
      db.url,
      "insert into reading select i, 'grid-' || i, repeat('x', 80) from generate_series(1, 100000) i",
    );
    // Every page keeps a row, so vacuum frees the space inside the pages but gives none back.
    await query(db.url, 'delete from reading where id % 10 <> 0');
    await query(db.url, 'vacuum (analyze) reading');

    const judged = await doctor({
      url: db.url,
      migrationsFolder,
      drift: false,
      thresholds: { bloatMinBytes: 1024 * 1024 },
    });
    const [bloat] = of(judged.findings, 'bloat', 'warn');
    expect(bloat!.objects).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^table public\.reading: about [\d.]+ MB of [\d.]+ MB free$/),
        expect.stringMatching(/^index public\.ix_reading_grid on public\.reading: about [\d.]+ MB of [\d.]+ MB free$/),
      ]),
    );
    expect(bloat!.fix).toContain('REINDEX INDEX CONCURRENTLY "public"."ix_reading_grid";');
    // With the default threshold (64 MB), a few megabytes of free space are no warning.
    const calm = await doctor({ url: db.url, migrationsFolder, drift: false });
    expect(of(calm.findings, 'bloat', 'warn')).toEqual([]);
    expect(of(calm.findings, 'bloat', 'info')).toHaveLength(1);
  });

  it('withholds "unused index" advice until the statistics have counted long enough, and says how long they have', async () => {
    const migrationsFolder = writeMigrations([{ name: 'schema', up: schema }]);
    await migrate({ url: db.url, migrationsFolder });
    await query(db.url, 'select pg_stat_reset()');
    const young = await doctor({ url: db.url, migrationsFolder, drift: false });
    expect(young.statistics).toMatchObject({ enough: false });
    expect(Date.now() - new Date(young.statistics.since!).getTime()).toBeLessThan(60_000);
    expect(of(young.findings, 'statistics', 'info')[0]!.message).toMatch(
      /counting for 1 min \(since .* UTC\): too short to judge which indexes go unused \(at least 7 days/,
    );
    const unusedYoung = young.findings.filter((f) => f.check === 'indexes');
    expect(unusedYoung).toEqual([
      expect.objectContaining({ severity: 'info', message: expect.stringContaining('not been used yet') }),
    ]);
    expect(unusedYoung[0]!.fix).toBeUndefined();

    // Asked to judge from any window: the advice, with the DROP and the model edit.
    const judged = await doctor({ url: db.url, migrationsFolder, drift: false, thresholds: { statisticsMinHours: 0 } });
    const [unused] = judged.findings.filter((f) => f.check === 'indexes');
    expect(unused!.objects).toEqual(['public.ix_reading_grid on public.reading (8.0 kB)']);
    expect(unused!.fix).toContain('DROP INDEX CONCURRENTLY "public"."ix_reading_grid";');
    expect(unused!.model).toContain("Remove index('ix_reading_grid')");
  });
});
