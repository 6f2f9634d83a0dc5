import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { migrate, status } from '../../src/api.js';
import { MigrationFailedError } from '../../src/errors.js';
import { catalogFingerprint } from '../support/catalog-fingerprint.js';
import { query, useFreshDatabase } from '../support/fresh-database.js';
import { writeMigrations } from '../support/migrations-dir.js';

const db = useFreshDatabase();

/** A session of the application's: holds a lock on `busy` in an open transaction until released. */
async function holdLock(url: string, lock: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connection: { application_name: 'acquisition-writer' } });
  const reserved = await sql.reserve();
  await reserved`begin`;
  await reserved.unsafe(lock);
  return {
    release: async () => {
      await reserved`commit`;
      reserved.release();
      await sql.end();
    },
  };
}

describe('a migration statement that cannot get its lock', () => {
  const specs = [
    { name: 'busy', up: 'create table busy (id int, v int);' },
    { name: 'alter', up: 'alter table busy add column note text;\ncreate table after_it (id int);' },
  ];

  it('is tried again with waits, saying who holds the lock, and succeeds once the lock is released', async () => {
    const migrationsFolder = writeMigrations(specs);
    await migrate({ url: db.url, migrationsFolder, to: '001' });
    const holder = await holdLock(db.url, 'select * from busy');
    const lines: string[] = [];
    const running = migrate({
      url: db.url,
      migrationsFolder,
      lockTimeoutMs: 150,
      lockRetries: 8,
      logger: { info: () => {}, warn: (m) => lines.push(m) },
    });
    while (lines.length < 2) await new Promise((r) => setTimeout(r, 20));
    await holder.release();
    expect((await running).ran).toHaveLength(1);
    expect(lines[0]).toMatch(
      /statement 1\) did not get its lock in time: pid \d+ "acquisition-writer" holds AccessShareLock on busy \(idle in transaction, \d+ s: SELECT\); trying again in \d\.\d s \(try 2 of 9\)/,
    );
    expect(await query(db.url, "select to_regclass('after_it')::text as t")).toEqual([{ t: 'after_it' }]);
  });

  it('fails clearly after the last try, with the database as it was and the journal saying so', async () => {
    const migrationsFolder = writeMigrations(specs);
    await migrate({ url: db.url, migrationsFolder, to: '001' });
    const before = await catalogFingerprint(db.url);
    const holder = await holdLock(db.url, 'select * from busy');
    let error: unknown;
    try {
      error = await migrate({ url: db.url, migrationsFolder, lockTimeoutMs: 100, lockRetries: 2 }).catch(
        (e: unknown) => e,
      );
    } finally {
      await holder.release();
    }
    expect(error).toBeInstanceOf(MigrationFailedError);
    expect(error).toMatchObject({ sqlState: '55P03', statementIndex: 1 });
    expect((error as Error).message).toContain('It was tried 3 times, with waits in between');
    expect(await catalogFingerprint(db.url)).toEqual(before);
    expect((await status({ url: db.url, migrationsFolder })).migrations.map((m) => m.state)).toEqual([
      'applied',
      'pending',
    ]);
  });

  it('retries a concurrent index build alone, dropping the INVALID index each timed-out try leaves', async () => {
    const migrationsFolder = writeMigrations([
      { name: 'busy', up: 'create table busy (id int, v int);' },
      { name: 'index', transaction: false, up: 'create index concurrently ix_busy_v on busy (v);' },
    ]);
    await migrate({ url: db.url, migrationsFolder, to: '001' });
    // A writer with an open transaction: the build waits for it.
    const holder = await holdLock(db.url, 'insert into busy values (1, 1)');
    const lines: string[] = [];
    const running = migrate({
      url: db.url,
      migrationsFolder,
      lockTimeoutMs: 200,
      lockRetries: 8,
      logger: { info: (m) => lines.push(m), warn: (m) => lines.push(m) },
    });
    while (!lines.some((l) => l.includes('did not get its lock in time'))) await new Promise((r) => setTimeout(r, 20));
    await holder.release();
    expect((await running).ran).toHaveLength(1);
    expect(lines.join('\n')).toContain('left index public.ix_busy_v INVALID');
    expect(await query(db.url, "select indisvalid from pg_index where indexrelid = 'ix_busy_v'::regclass")).toEqual([
      { indisvalid: true },
    ]);
  });
});
