import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { lockKey } from '../../src/migrations/advisory-lock.js';
import { DEFAULT_JOURNAL } from '../../src/migrations/journal.js';
import { migrate, rollback, stamp, status } from '../../src/api.js';
import { catalogFingerprint } from '../support/catalog-fingerprint.js';
import { query, useFreshDatabase } from '../support/fresh-database.js';
import { acquisitionChain } from '../fixtures/acquisition-chain.js';
import { migrationId, writeMigrations } from '../support/migrations-dir.js';

const db = useFreshDatabase();

const chain = acquisitionChain;

describe('migrate()', () => {
  it('applies every pending migration in order and records each in the journal', async () => {
    const migrationsFolder = writeMigrations(chain);
    const result = await migrate({ url: db.url, migrationsFolder });
    expect(result.ran.map((r) => r.id)).toEqual(chain.map((c, i) => migrationId(i + 1, c.name)));
    expect(result.head).toBe(migrationId(3, 'grid_index'));
    expect(result.database).toContain(db.name);
    const journal = await query<{ id: string; status: string; execution_ms: number }>(
      db.url,
      'select id, status, execution_ms from smartem_db.migrations order by id',
    );
    expect(journal.map((r) => [r.id, r.status])).toEqual(result.ran.map((r) => [r.id, 'applied']));
    expect(journal.every((r) => r.execution_ms >= 0)).toBe(true);
    const indexes = await query(db.url, "select indexname from pg_indexes where tablename = 'grid' order by 1");
    expect(indexes.map((r) => r.indexname)).toEqual(['grid_pkey', 'ix_grid_acquisition_uuid']);
  });

  it('does nothing, and runs no DDL and takes no lock, when nothing is pending', async () => {
    const migrationsFolder = writeMigrations(chain);
    // An event trigger in this database records every DDL command: nothing server-wide is assumed.
    await query(
      db.url,
      `create table ddl_log (tag text);
       create function log_ddl() returns event_trigger language plpgsql as $$ begin insert into ddl_log values (tg_tag); end $$;
       create event trigger log_ddl on ddl_command_start execute function log_ddl();`,
    );
    await migrate({ url: db.url, migrationsFolder });
    // The trigger sees what migrations do (so its silence below means something).
    expect((await query<{ n: number }>(db.url, 'select count(*)::int as n from ddl_log'))[0]!.n).toBeGreaterThan(3);
    await query(db.url, 'truncate ddl_log');
    const journal = await query(db.url, 'select * from smartem_db.migrations order by id');

    // Another session holds the migration lock: a run that wanted it would wait, and time out here.
    const holder = postgres(db.url, { max: 1, onnotice: () => {} });
    const reserved = await holder.reserve();
    try {
      await reserved.unsafe('select pg_advisory_lock($1::bigint)', [lockKey(DEFAULT_JOURNAL).toString()]);
      const again = await migrate({ url: db.url, migrationsFolder });
      expect(again).toMatchObject({ ran: [], head: migrationId(3, 'grid_index') });
    } finally {
      reserved.release();
      await holder.end();
    }
    expect(await query(db.url, 'select tag from ddl_log')).toEqual([]);
    expect(await query(db.url, 'select * from smartem_db.migrations order by id')).toEqual(journal);
  });

  it('upgrades to a target given by number, then by +N', async () => {
    const migrationsFolder = writeMigrations(chain);
    expect((await migrate({ url: db.url, migrationsFolder, to: '001' })).head).toBe(migrationId(1, 'acquisition'));
    expect((await migrate({ url: db.url, migrationsFolder, to: '+1' })).head).toBe(migrationId(2, 'grid'));
    expect((await migrate({ url: db.url, migrationsFolder })).ran).toHaveLength(1);
  });

  it('rolls back to base and up again, leaving the same schema', async () => {
    const migrationsFolder = writeMigrations(chain);
    await migrate({ url: db.url, migrationsFolder });
    const upped = await catalogFingerprint(db.url);
    const down = await rollback('base', { url: db.url, migrationsFolder });
    expect(down.ran.map((r) => r.id)).toEqual(chain.map((c, i) => migrationId(i + 1, c.name)).reverse());
    expect(down.head).toBeNull();
    expect(await catalogFingerprint(db.url)).toEqual([]);
    expect(await query(db.url, 'select * from smartem_db.migrations')).toEqual([]);
    await migrate({ url: db.url, migrationsFolder });
    expect(await catalogFingerprint(db.url)).toEqual(upped);
  });

  it('rolls back a number of steps, or to a migration that stays applied', async () => {
    const migrationsFolder = writeMigrations(chain);
    await migrate({ url: db.url, migrationsFolder });
    expect((await rollback({ steps: 1 }, { url: db.url, migrationsFolder })).head).toBe(migrationId(2, 'grid'));
    await migrate({ url: db.url, migrationsFolder });
    const toFirst = await rollback({ to: migrationId(1, 'acquisition') }, { url: db.url, migrationsFolder });
    expect(toFirst.ran).toHaveLength(2);
    expect((await status({ url: db.url, migrationsFolder })).migrations.map((m) => m.state)).toEqual([
      'applied',
      'pending',
      'pending',
    ]);
  });

  it('refuses to roll back more steps than are applied, or none', async () => {
    const migrationsFolder = writeMigrations(chain);
    await migrate({ url: db.url, migrationsFolder, to: '002' });
    await expect(rollback({ steps: 3 }, { url: db.url, migrationsFolder })).rejects.toMatchObject({
      code: 'UNKNOWN_TARGET',
      message: expect.stringContaining('Cannot roll back 3 migrations: only 2 are applied. Nothing was rolled back.'),
    });
    await expect(rollback({ steps: 0 }, { url: db.url, migrationsFolder })).rejects.toMatchObject({
      code: 'UNKNOWN_TARGET',
    });
    expect((await status({ url: db.url, migrationsFolder })).head).toBe(migrationId(2, 'grid'));
  });

  it('refuses a rollback that drops tables holding rows unless allowed or confirmed, naming them', async () => {
    const migrationsFolder = writeMigrations(chain);
    await migrate({ url: db.url, migrationsFolder });
    await query(db.url, "insert into acquisition (uuid) values ('a1')");
    await expect(rollback('base', { url: db.url, migrationsFolder })).rejects.toMatchObject({
      code: 'DATA_LOSS_REFUSED',
      message: expect.stringContaining(
        'Rolling back would drop data: table public.acquisition (1 row). Nothing was rolled back.',
      ),
    });
    const asked: string[][] = [];
    await expect(
      rollback('base', { url: db.url, migrationsFolder, confirmDataLoss: async (t) => (asked.push(t), false) }),
    ).rejects.toMatchObject({
      code: 'DATA_LOSS_REFUSED',
    });
    expect(asked).toEqual([['table public.acquisition (1 row)']]);
    expect((await status({ url: db.url, migrationsFolder })).head).toBe(migrationId(3, 'grid_index'));
    // Tables that are empty are no reason to ask: grid goes without a question.
    expect((await rollback({ steps: 2 }, { url: db.url, migrationsFolder })).ran).toHaveLength(2);
    expect((await rollback('base', { url: db.url, migrationsFolder, allowDataLoss: true })).head).toBeNull();
  });

  it('refuses a rollback that drops a column holding values, naming it and how many, unless allowed', async () => {
    const migrationsFolder = writeMigrations([
      { name: 'grid', up: 'create table grid (uuid text primary key);', down: 'drop table grid;' },
      { name: 'note', up: 'alter table grid add column note text;', down: 'alter table grid drop column note;' },
    ]);
    await migrate({ url: db.url, migrationsFolder });
    // Only NULLs: nothing is lost, nothing is asked.
    await query(db.url, "insert into grid values ('a'), ('b')");
    expect((await rollback({ steps: 1 }, { url: db.url, migrationsFolder })).ran).toHaveLength(1);
    await migrate({ url: db.url, migrationsFolder });
    await query(db.url, "update grid set note = 'kept by hand'");
    const asked: string[][] = [];
    await expect(
      rollback({ steps: 1 }, { url: db.url, migrationsFolder, confirmDataLoss: async (o) => (asked.push(o), false) }),
    ).rejects.toMatchObject({
      code: 'DATA_LOSS_REFUSED',
      message: expect.stringContaining('column public.grid."note" (2 values)'),
    });
    expect(asked).toEqual([['column public.grid."note" (2 values)']]);
    expect((await query<{ note: string }>(db.url, 'select note from grid')).map((r) => r.note)).toEqual([
      'kept by hand',
      'kept by hand',
    ]);
    expect((await rollback({ steps: 1 }, { url: db.url, migrationsFolder, allowDataLoss: true })).ran).toHaveLength(1);
  });

  it('says which steps of a multi-step rollback committed, and where the database stands, when a later one fails', async () => {
    const migrationsFolder = writeMigrations([
      { name: 'a', up: 'create table a (x int);', down: 'select 1/0;' },
      { name: 'b', up: 'create table b (x int);', down: 'drop table b;' },
      { name: 'c', up: 'create table c (x int);', down: 'drop table c;' },
    ]);
    await migrate({ url: db.url, migrationsFolder });
    const failed = await rollback('base', { url: db.url, migrationsFolder }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(failed).toMatchObject({ code: 'MIGRATION_FAILED' });
    expect(failed!.message).toContain(
      `2 migrations of this run were rolled back and committed before it: ${migrationId(3, 'c')}, ${migrationId(2, 'b')}. ` +
        `The database is now at ${migrationId(1, 'a')}.`,
    );
    expect((await status({ url: db.url, migrationsFolder })).head).toBe(migrationId(1, 'a'));
  });

  it('refuses to roll back a migration without down.sql, and rolls back nothing', async () => {
    const migrationsFolder = writeMigrations([chain[0]!, { name: 'no_down', up: 'create table x (id int);' }]);
    await migrate({ url: db.url, migrationsFolder });
    await expect(rollback('base', { url: db.url, migrationsFolder })).rejects.toMatchObject({
      code: 'NO_DOWN_MIGRATION',
      message: expect.stringContaining(`${migrationId(2, 'no_down')}/down.sql is missing`),
    });
    expect((await status({ url: db.url, migrationsFolder })).head).toBe(migrationId(2, 'no_down'));
  });

  it('stamps an existing database without running anything, then applies only what follows', async () => {
    const migrationsFolder = writeMigrations(chain);
    await query(db.url, 'create table acquisition (uuid varchar primary key)');
    const stamped = await stamp('002', { url: db.url, migrationsFolder });
    expect(stamped.head).toBe(migrationId(2, 'grid'));
    expect(await query(db.url, "select 1 from pg_tables where tablename = 'grid'")).toEqual([]);
    const report = await status({ url: db.url, migrationsFolder });
    expect(report.migrations.map((m) => [m.state, m.stamped ?? null])).toEqual([
      ['applied', true],
      ['applied', true],
      ['pending', null],
    ]);
    await expect(stamp('nope', { url: db.url, migrationsFolder })).rejects.toMatchObject({ code: 'UNKNOWN_TARGET' });
    await stamp('base', { url: db.url, migrationsFolder });
    expect((await status({ url: db.url, migrationsFolder })).head).toBeNull();
  });

  it('reports through the logger what it does, and prints nothing without one', async () => {
    const migrationsFolder = writeMigrations(chain);
    const lines: string[] = [];
    await migrate({
      url: db.url,
      migrationsFolder,
      logger: { info: (m) => lines.push(m), warn: (m) => lines.push(m) },
    });
    expect(lines.filter((l) => l.startsWith('[3/3] Applied'))).toHaveLength(1);
    expect(lines.join('\n')).toMatch(/\[1\/3\] Applying .*acquisition/);
  });

  it('gives a logger that shows one a heartbeat while a long statement runs', async () => {
    const migrationsFolder = writeMigrations([{ name: 'slow', up: 'select pg_sleep(1.3);' }]);
    const beats: string[] = [];
    await migrate({
      url: db.url,
      migrationsFolder,
      logger: { info: () => {}, warn: () => {}, heartbeat: (m) => beats.push(m) },
    });
    expect(beats[0]).toMatch(/^\[1\/1\] Applying \S+-001_slow \.\.\. 1\.\d s$/);
  });

  it('keeps the journal where it is told to', async () => {
    const migrationsFolder = writeMigrations(chain.slice(0, 1));
    await migrate({ url: db.url, migrationsFolder, journal: { schema: 'Ops Schema', table: 'applied "migrations"' } });
    const rows = await query(db.url, 'select id from "Ops Schema"."applied ""migrations"""');
    expect(rows).toHaveLength(1);
  });
});

describe('migrate() on an application pool', () => {
  it('borrows one connection and gives it back with its settings as they were', async () => {
    const postgres = (await import('postgres')).default;
    const { migrate: run } = await import('../../src/api.js');
    const { writeMigrations: write } = await import('../support/migrations-dir.js');
    const pool = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      const result = await run({ sql: pool, migrationsFolder: write([{ name: 'a', up: 'create table a (id int);' }]) });
      expect(result.ran).toHaveLength(1);
      // With max: 1 the app gets the very connection back: unchanged, and usable.
      const [setting] = await pool`show client_connection_check_interval`;
      expect(setting!.client_connection_check_interval).toBe('0');
      const [held] =
        await pool`select count(*)::int as locks from pg_locks where locktype = 'advisory' and pid = pg_backend_pid()`;
      expect(held!.locks).toBe(0);
    } finally {
      await pool.end();
    }
  });
});
