import { afterEach, describe, expect, it } from 'vitest';
import { migrate, status } from '../../src/api.js';
import { query, serverUrl, useFreshDatabase } from '../support/fresh-database.js';
import { writeMigrations } from '../support/migrations-dir.js';
import { hasPgBouncer, startPgBouncer } from '../support/pgbouncer.js';

const db = useFreshDatabase();
let stop: (() => void) | undefined;
afterEach(() => {
  stop?.();
  stop = undefined;
});

describe.skipIf(!hasPgBouncer)('through PgBouncer', () => {
  const folder = () =>
    writeMigrations([
      { name: 'a', up: 'create table a (id int);' },
      { name: 'b', up: 'create table b (id int);' },
    ]);

  it('refuses to migrate through a transaction-mode pool, changing nothing, and migrates over the direct URL', async () => {
    const bouncer = await startPgBouncer(serverUrl(), { pooled: { database: db.name, mode: 'transaction' } });
    stop = bouncer.stop;
    const migrationsFolder = folder();
    await expect(migrate({ url: bouncer.url('pooled'), migrationsFolder })).rejects.toMatchObject({
      code: 'TRANSACTION_POOLER',
      message: expect.stringContaining('through a connection pooler in transaction mode'),
    });
    expect(
      await query(db.url, "select to_regclass('a')::text as a, to_regclass('smartem_db.migrations')::text as journal"),
    ).toEqual([{ a: null, journal: null }]);
    // No migration lock was left behind on a pooled server connection.
    expect(
      await query(
        db.url,
        "select count(*)::int as n from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())",
      ),
    ).toEqual([{ n: 0 }]);

    // With a direct URL beside it (Prisma's directUrl), the same call migrates.
    const done = await migrate({ url: bouncer.url('pooled'), directUrl: db.url, migrationsFolder });
    expect(done.ran).toHaveLength(2);
    // Reads through the pool work: nothing pending means no lock and no DDL.
    expect((await migrate({ url: bouncer.url('pooled'), migrationsFolder })).ran).toEqual([]);
    expect((await status({ url: bouncer.url('pooled'), migrationsFolder })).pending).toBe(0);
  });

  it('takes DIRECT_DATABASE_URL from the environment, beside DATABASE_URL', async () => {
    const bouncer = await startPgBouncer(serverUrl(), { pooled: { database: db.name, mode: 'transaction' } });
    stop = bouncer.stop;
    const result = await migrate({
      migrationsFolder: folder(),
      env: { DATABASE_URL: bouncer.url('pooled'), DIRECT_DATABASE_URL: db.url },
    });
    expect(result.ran).toHaveLength(2);
    expect(result.database).toContain(db.name);
  });

  it('migrates through a session-mode pool, where a session is one server connection', async () => {
    const bouncer = await startPgBouncer(serverUrl(), { session: { database: db.name, mode: 'session' } });
    stop = bouncer.stop;
    const result = await migrate({ url: bouncer.url('session'), migrationsFolder: folder() });
    expect(result.ran).toHaveLength(2);
  });
});
