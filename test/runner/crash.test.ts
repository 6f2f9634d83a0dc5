import { join } from 'node:path';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { migrate, status } from '../../src/api.js';
import { readMigrationsFolder } from '../../src/migrations/migration-folder.js';
import { catalogFingerprint } from '../support/catalog-fingerprint.js';
import { query, useFreshDatabase } from '../support/fresh-database.js';
import { migrationId, writeMigrations } from '../support/migrations-dir.js';
import { ROOT, spawnTs } from '../support/spawn.js';

const db = useFreshDatabase();
const worker = join(ROOT, 'test/fixtures/migrate-worker.ts');

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** smartem-db's sessions on this test's database only: other tests share the server. */
async function smartemSessions(where = 'true'): Promise<{ pid: number }[]> {
  return query(
    db.url,
    `select pid from pg_stat_activity where datname = current_database() and application_name = 'smartem-db' and ${where}`,
  );
}

async function waitForSessionsToEnd(): Promise<void> {
  await waitFor(async () => ((await smartemSessions()).length === 0 ? true : undefined), 'the killed session to end');
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
          'insert into first values (1);',
          "select pg_sleep(case when to_regclass('public.slow_down') is null then 0 else 60 end);",
          'create table done (id int);',
        ].join('\n'),
      },
    ]);
    await migrate({ url: db.url, migrationsFolder, to: '001' });
    await query(db.url, 'create table slow_down ()');
    const before = await catalogFingerprint(db.url);

    const { child, done } = spawnTs(worker, [db.url, migrationsFolder]);
    await waitFor(async () => {
      const rows = await smartemSessions("query like '%pg_sleep%'");
      return rows.length > 0 ? rows : undefined;
    }, 'the migration to reach its slow statement');
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');

    // The server notices the dead client (client_connection_check_interval) and rolls back.
    await waitForSessionsToEnd();
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

describe('a process killed during CREATE INDEX CONCURRENTLY', () => {
  const specs = [
    {
      name: 'big',
      up: 'create table big (id int, v int);\ninsert into big select g, g % 13 from generate_series(1, 5000) g;',
    },
    {
      name: 'online',
      transaction: false,
      up: 'create index concurrently ix_big_v on big (v);\ncreate table after_index (id int);',
    },
  ];

  it('is running while it runs (status), interrupted after the kill, and --resume rebuilds the INVALID index it left', async () => {
    const migrationsFolder = writeMigrations(specs);
    await migrate({ url: db.url, migrationsFolder, to: '001' });
    // A transaction with an older snapshot makes the build wait, with its index still INVALID.
    const holder = postgres(db.url, { max: 1, onnotice: () => {} });
    const reserved = await holder.reserve();
    const { child, done } = spawnTs(worker, [db.url, migrationsFolder]);
    try {
      await reserved`begin isolation level repeatable read`;
      await reserved`select count(*) from big`;
      await waitFor(async () => {
        const rows = await smartemSessions("query ilike 'create index concurrently%' and wait_event_type = 'Lock'");
        return rows.length > 0 ? rows : undefined;
      }, 'the index build to wait for the old snapshot');

      const live = await status({ url: db.url, migrationsFolder });
      expect(live.migrations[1]).toMatchObject({ state: 'running', statementsDone: 0, statementsTotal: 2 });
      expect(live.runningNow).toMatch(/is being applied now .* by pid \d+ "smartem-db"/);
      expect(live.problems).toEqual([]);

      child.kill('SIGKILL');
      expect((await done).signal).toBe('SIGKILL');
      await waitForSessionsToEnd();
    } finally {
      await reserved`rollback`.catch(() => {});
      reserved.release();
      await holder.end();
    }
    expect(await query(db.url, "select indisvalid from pg_index where indexrelid = 'ix_big_v'::regclass")).toEqual([
      { indisvalid: false },
    ]);

    const interrupted = await status({ url: db.url, migrationsFolder });
    expect(interrupted.migrations[1]).toMatchObject({ state: 'interrupted' });
    expect(interrupted.runningNow).toBeNull();
    expect(interrupted.problems.join('\n')).toContain('was interrupted at statement 1 of 2');
    expect(interrupted.problems.join('\n')).toContain('index public.ix_big_v on public.big is INVALID');
    await expect(migrate({ url: db.url, migrationsFolder })).rejects.toMatchObject({
      code: 'PREVIOUS_MIGRATION_FAILED',
    });

    const lines: string[] = [];
    const resumed = await migrate({
      url: db.url,
      migrationsFolder,
      resume: true,
      logger: { info: (m) => lines.push(m), warn: (m) => lines.push(m) },
    });
    expect(resumed.ran.map((r) => r.id)).toEqual([migrationId(2, 'online')]);
    expect(lines.join('\n')).toContain(
      'left index public.ix_big_v INVALID (its concurrent build stopped midway); dropping it to build it again',
    );
    expect(await query(db.url, "select indisvalid from pg_index where indexrelid = 'ix_big_v'::regclass")).toEqual([
      { indisvalid: true },
    ]);
    expect(await query(db.url, "select to_regclass('after_index')::text as t")).toEqual([{ t: 'after_index' }]);
    expect((await status({ url: db.url, migrationsFolder })).problems).toEqual([]);
  });

  it('keeps an index the build finished before the process died, and goes on after it', async () => {
    const migrationsFolder = writeMigrations(specs);
    await migrate({ url: db.url, migrationsFolder, to: '001' });
    // As the journal is left when the process dies after the build, before recording it.
    const online = readMigrationsFolder(migrationsFolder).migrations[1]!;
    await query(db.url, 'create index ix_big_v on big (v)');
    await query(
      db.url,
      "insert into smartem_db.migrations (id, checksum, status, statements_done, statements_total) values ($1, $2, 'running', 0, 2)",
      [online.id, online.checksum],
    );
    const lines: string[] = [];
    await migrate({
      url: db.url,
      migrationsFolder,
      resume: true,
      logger: { info: (m) => lines.push(m), warn: (m) => lines.push(m) },
    });
    expect(lines.join('\n')).toContain(
      'built index public.ix_big_v completely before it stopped; it is kept and not built again',
    );
    expect(await query(db.url, "select to_regclass('after_index')::text as t")).toEqual([{ t: 'after_index' }]);
    expect((await status({ url: db.url, migrationsFolder })).migrations.map((m) => m.state)).toEqual([
      'applied',
      'applied',
    ]);
  });
});
