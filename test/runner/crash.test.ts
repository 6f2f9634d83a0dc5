import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate, status } from '../../src/api.js';
import { catalogFingerprint } from '../support/catalog-fingerprint.js';
import { query, useFreshDatabase } from '../support/fresh-database.js';
import { writeMigrations } from '../support/migrations-dir.js';
import { ROOT, spawnTs } from '../support/spawn.js';

const db = useFreshDatabase();

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('a process killed with SIGKILL in the middle of a slow migration', () => {
  it('leaves the database unchanged, and a rerun succeeds', async () => {
    // The migration sleeps only while the table "slow_down" exists, so the rerun is quick.
    const migrationsFolder = writeMigrations([
      { name: 'first', up: 'create table first (id int);' },
      {
        name: 'slow',
        up: [
          'create table half_done (id int);',
          "insert into first values (1);",
          "select pg_sleep(case when to_regclass('public.slow_down') is null then 0 else 60 end);",
          'create table done (id int);',
        ].join('\n'),
      },
    ]);
    await migrate({ url: db.url, migrationsFolder, to: '001' });
    await query(db.url, 'create table slow_down ()');
    const before = await catalogFingerprint(db.url);

    const { child, done } = spawnTs(join(ROOT, 'test/fixtures/migrate-worker.ts'), [db.url, migrationsFolder]);
    await waitFor(async () => {
      const rows = await query(db.url, "select pid from pg_stat_activity where query like '%pg_sleep%' and application_name = 'smartem-db'");
      return rows.length > 0 ? rows : undefined;
    }, 'the migration to reach its slow statement');
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');

    // The server notices the dead client (client_connection_check_interval) and rolls back.
    await waitFor(async () => {
      const rows = await query(db.url, "select 1 from pg_stat_activity where application_name = 'smartem-db'");
      return rows.length === 0 ? true : undefined;
    }, 'the killed session to end');
    expect(await catalogFingerprint(db.url)).toEqual(before);
    expect(await query(db.url, 'select * from first')).toEqual([]);
    const report = await status({ url: db.url, migrationsFolder });
    expect(report.migrations.map((m) => m.state)).toEqual(['applied', 'pending']);

    await query(db.url, 'drop table slow_down');
    const rerun = await migrate({ url: db.url, migrationsFolder });
    expect(rerun.ran).toHaveLength(1);
    expect(await query(db.url, "select to_regclass('public.done')::text as t")).toEqual([{ t: 'done' }]);
  });
});
