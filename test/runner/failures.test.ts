import { describe, expect, it } from 'vitest';
import { migrate, rollback, stamp, status } from '../../src/api.js';
import { MigrationFailedError } from '../../src/errors.js';
import { catalogFingerprint } from '../support/catalog-fingerprint.js';
import { query, useFreshDatabase } from '../support/fresh-database.js';
import { migrationId, writeMigrations } from '../support/migrations-dir.js';
import postgres from 'postgres';

const db = useFreshDatabase();

async function failure(run: Promise<unknown>): Promise<MigrationFailedError> {
  try {
    await run;
  } catch (error) {
    if (error instanceof MigrationFailedError) return error;
    throw error;
  }
  throw new Error('expected the migration to fail');
}

describe('a failing migration', () => {
  it('leaves the database exactly as it was, and names the file, line and statement', async () => {
    const migrationsFolder = writeMigrations([
      { name: 'ok', up: 'create table kept (id int);' },
      {
        name: 'bad',
        up: 'create table not_kept (id int);\ninsert into kept values (1);\n\ninsert into kept\n  values (no_such_column);\ncreate table never (id int);',
      },
    ]);
    await migrate({ url: db.url, migrationsFolder, to: '001' });
    const before = await catalogFingerprint(db.url);
    const error = await failure(migrate({ url: db.url, migrationsFolder }));
    expect(error.migration).toBe(migrationId(2, 'bad'));
    expect(error.statementIndex).toBe(3);
    // The header takes 3 lines; the server points at no_such_column, on line 8 of up.sql.
    expect(error.line).toBe(8);
    expect(error.sqlState).toBe('42703');
    expect(error.message).toContain(
      `${migrationId(2, 'bad')}/up.sql:8 (statement 3 of 4: insert into kept ...): column "no_such_column" does not exist`,
    );
    expect(error.message).toContain('The database is unchanged');
    expect(await catalogFingerprint(db.url)).toEqual(before);
    expect(await query(db.url, 'select * from kept')).toEqual([]);
    const report = await status({ url: db.url, migrationsFolder });
    expect(report.migrations.map((m) => m.state)).toEqual(['applied', 'pending']);
  });

  it('does not show a password literal of the failing statement', async () => {
    const migrationsFolder = writeMigrations([{ name: 'role', up: "alter role no_such_role_here with password 'Sup3r-secret';" }]);
    const error = await failure(migrate({ url: db.url, migrationsFolder }));
    expect(error.message).toContain(`role "no_such_role_here" does not exist`);
    expect(error.message).toContain("password '***'");
    expect(error.message).not.toContain('Sup3r-secret');
  });

  it('gives up on a lock after lock_timeout instead of queueing the application behind it', async () => {
    const migrationsFolder = writeMigrations([
      { name: 'table', up: 'create table busy (id int);' },
      { name: 'alter', up: 'alter table busy add column note text;' },
    ]);
    await migrate({ url: db.url, migrationsFolder, to: '001' });
    const holder = postgres(db.url, { max: 1 });
    const reserved = await holder.reserve();
    try {
      await reserved`begin`;
      await reserved`select * from busy`;
      const error = await failure(migrate({ url: db.url, migrationsFolder, lockTimeoutMs: 200 }));
      expect(error.sqlState).toBe('55P03');
      expect(error.message).toContain('lock_timeout is 200 ms');
    } finally {
      await reserved`rollback`;
      reserved.release();
      await holder.end();
    }
    expect((await migrate({ url: db.url, migrationsFolder })).ran).toHaveLength(1);
  });
});

describe('a no-transaction migration failing midway', () => {
  const specs = [
    { name: 'table', up: 'create table t (id int, v int);\ninsert into t values (1, 1), (1, 2);' },
    {
      name: 'indexes',
      transaction: false,
      up: 'create index concurrently t_v on t (v);\ncreate unique index concurrently t_id on t (id);\ncreate index concurrently t_id_v on t (id, v);',
    },
  ];

  it('marks where it stopped, blocks later runs with recovery steps, and resumes after a fix', async () => {
    const migrationsFolder = writeMigrations(specs);
    const error = await failure(migrate({ url: db.url, migrationsFolder }));
    expect(error.statementIndex).toBe(2);
    expect(error.message).toContain('statement 1 was applied');

    const report = await status({ url: db.url, migrationsFolder });
    expect(report.migrations[1]).toMatchObject({ state: 'failed', statementsDone: 1, statementsTotal: 3 });
    expect(report.problems[0]).toContain('failed at statement 2 of 3');
    expect(report.problems[0]).toContain('smartem-db upgrade --resume');

    await expect(migrate({ url: db.url, migrationsFolder })).rejects.toMatchObject({ code: 'PREVIOUS_MIGRATION_FAILED' });
    await expect(rollback({ steps: 1 }, { url: db.url, migrationsFolder })).rejects.toMatchObject({ code: 'PREVIOUS_MIGRATION_FAILED' });

    // The fix: remove the duplicate and the invalid index the failed CONCURRENTLY build left behind.
    await query(db.url, 'delete from t where v = 2');
    await query(db.url, 'drop index t_id');
    const resumed = await migrate({ url: db.url, migrationsFolder, resume: true });
    expect(resumed.ran).toMatchObject([{ id: migrationId(2, 'indexes') }]);
    const indexes = await query(db.url, "select indexname from pg_indexes where tablename = 't' order by 1");
    expect(indexes.map((r) => r.indexname)).toEqual(['t_id', 't_id_v', 't_v']);
    expect((await status({ url: db.url, migrationsFolder })).problems).toEqual([]);
  });

  it('can be marked finished by hand with stamp', async () => {
    const migrationsFolder = writeMigrations(specs);
    await failure(migrate({ url: db.url, migrationsFolder }));
    await stamp(migrationId(2, 'indexes'), { url: db.url, migrationsFolder });
    const report = await status({ url: db.url, migrationsFolder });
    expect(report.migrations[1]).toMatchObject({ state: 'applied', stamped: true });
    expect(report.problems).toEqual([]);
  });
});
