import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hash, migrate, rollback, stamp, status } from '../../src/api.js';
import { MigrationFailedError } from '../../src/errors.js';
import { lockKey } from '../../src/migrations/advisory-lock.js';
import { DEFAULT_JOURNAL } from '../../src/migrations/journal.js';
import { catalogFingerprint } from '../support/catalog-fingerprint.js';
import { query, useFreshDatabase } from '../support/fresh-database.js';
import { migrationId, writeMigrations } from '../support/migrations-dir.js';
import postgres from 'postgres';
import { startPrivateCluster } from '../support/private-cluster.js';

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

  it('does not show a password literal of the failing statement, in any quoting, however long', async () => {
    for (const literal of [
      "'Sup3r-secret'",
      '$$Sup3r-secret$$',
      '$pw$Sup3r-secret$pw$',
      `'Sup3r-secret${'x'.repeat(300)}'`,
    ]) {
      const migrationsFolder = writeMigrations([
        { name: 'role', up: `alter role no_such_role_here with password ${literal};` },
      ]);
      const error = await failure(migrate({ url: db.url, migrationsFolder }));
      expect(error.message).toContain(`role "no_such_role_here" does not exist`);
      expect(error.message).toContain("password '***'");
      expect(error.message).not.toContain('Sup3r');
    }
  });

  it("does not show a password in the running query of the lock's holder while it waits", async () => {
    const migrationsFolder = writeMigrations([{ name: 'a', up: 'create table a (id int);' }]);
    const holder = postgres(db.url, { max: 1, onnotice: () => {}, connection: { application_name: 'other-deploy' } });
    const reserved = await holder.reserve();
    const lines: string[] = [];
    try {
      await reserved.unsafe('select pg_advisory_lock($1::bigint)', [lockKey(DEFAULT_JOURNAL).toString()]);
      await reserved.unsafe("select 1 /* alter role app password 'Sup3r-secret' */");
      const waiting = migrate({
        url: db.url,
        migrationsFolder,
        logger: { info: (m) => lines.push(m), warn: (m) => lines.push(m) },
      });
      while (!lines.some((l) => l.startsWith('Waiting'))) await new Promise((r) => setTimeout(r, 20));
      await reserved.unsafe('select pg_advisory_unlock_all()');
      expect((await waiting).ran).toHaveLength(1);
    } finally {
      reserved.release();
      await holder.end();
    }
    const waited = lines.find((l) => l.startsWith('Waiting'))!;
    // Another session's statement is named by its kind only: its text is not ours to print.
    expect(waited).toMatch(/held by pid \d+ "other-deploy" .*running SELECT/);
    expect(lines.join('\n')).not.toContain('Sup3r');
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
      const error = await failure(migrate({ url: db.url, migrationsFolder, lockTimeoutMs: 200, lockRetries: 0 }));
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

describe('a transactional migration', () => {
  it('runs once even when it fails: the failing statement is known without running it again', async () => {
    // A sequence is not transactional: it counts how often the script really ran.
    const migrationsFolder = writeMigrations([
      { name: 'counter', up: 'create sequence runs;' },
      { name: 'bad', up: "select nextval('runs');\nselect 1 / 0;\nselect 2;" },
    ]);
    await migrate({ url: db.url, migrationsFolder, to: '001' });
    const error = await failure(migrate({ url: db.url, migrationsFolder }));
    expect(error.statementIndex).toBe(2);
    expect(error.message).toContain('(statement 2 of 3: select 1 / 0;): division by zero [SQLSTATE 22012]');
    expect(await query(db.url, 'select last_value::int as n from runs')).toEqual([{ n: 1 }]);
  });

  it('names the statement that timed out on a lock, and holds the lock (and the writers behind it) once', async () => {
    const migrationsFolder = writeMigrations([
      { name: 'table', up: 'create table busy (id int);\ncreate sequence tries;' },
      { name: 'alter', up: "select nextval('tries');\nalter table busy add column note text;" },
    ]);
    await migrate({ url: db.url, migrationsFolder, to: '001' });
    const holder = postgres(db.url, { max: 1, onnotice: () => {} });
    const reserved = await holder.reserve();
    try {
      await reserved`begin`;
      await reserved`select * from busy`;
      const error = await failure(migrate({ url: db.url, migrationsFolder, lockTimeoutMs: 200, lockRetries: 0 }));
      expect(error).toMatchObject({ sqlState: '55P03', statementIndex: 2 });
      expect(error.message).toContain('statement 2 of 2: alter table busy add column note text;');
    } finally {
      await reserved`rollback`;
      reserved.release();
      await holder.end();
    }
    expect(await query(db.url, 'select last_value::int as n from tries')).toEqual([{ n: 1 }]);
  });

  it('may not end its own transaction: COMMIT is refused before anything of it runs', async () => {
    const migrationsFolder = writeMigrations([
      { name: 'a', up: 'create table a (id int);' },
      { name: 'commits', up: 'create table b (id int);\ncommit;\ncreate table c (id int);' },
    ]);
    await expect(migrate({ url: db.url, migrationsFolder })).rejects.toMatchObject({
      code: 'MIGRATIONS_FOLDER_INVALID',
      message: expect.stringMatching(
        /002_commits\/up\.sql:5: statement 2 is COMMIT, but this script runs in a transaction .* "-- transaction: no"/,
      ),
    });
    // Checked before the first pending migration ran.
    expect(await query(db.url, "select to_regclass('a')::text as a, to_regclass('b')::text as b")).toEqual([
      { a: null, b: null },
    ]);
  });
});

describe('a migration bigger than the lock table', () => {
  let cluster: Awaited<ReturnType<typeof startPrivateCluster>>;
  beforeAll(async () => {
    // The smallest lock table the server allows: the shared server's must stay as it is.
    cluster = await startPrivateCluster({
      settings: {
        max_locks_per_transaction: '10',
        max_connections: '5',
        max_worker_processes: '0',
        max_wal_senders: '0',
        autovacuum_max_workers: '1',
      },
    });
  }, 60_000);
  afterAll(() => cluster?.stop());

  it('says why it failed (one transaction locks all it touches) and what to do, and leaves nothing of it', async () => {
    const tables = Array.from({ length: 300 }, (_, i) => `create table t${i} (id int primary key, note text);`);
    const migrationsFolder = writeMigrations([{ name: 'wide', up: tables.join('\n') }]);
    const error = await failure(migrate({ url: cluster.url, migrationsFolder }));
    expect(error.sqlState).toBe('53200');
    expect(error.message).toContain(`Migration ${migrationId(1, 'wide')} failed`);
    expect(error.message).toMatch(/holds a lock on every table, index, .* until it commits/);
    expect(error.message).toContain(
      'Raise max_locks_per_transaction on the server (a restart), or split the migration',
    );
    expect(
      await query(
        cluster.url,
        "SELECT count(*)::int AS n FROM pg_class WHERE relname LIKE 't%' AND relnamespace = 'public'::regnamespace",
      ),
    ).toEqual([{ n: 0 }]);
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

    await expect(migrate({ url: db.url, migrationsFolder })).rejects.toMatchObject({
      code: 'PREVIOUS_MIGRATION_FAILED',
    });
    await expect(rollback({ steps: 1 }, { url: db.url, migrationsFolder })).rejects.toMatchObject({
      code: 'PREVIOUS_MIGRATION_FAILED',
    });

    // The fix: remove the duplicate. The INVALID index the failed build left is resume's to drop.
    await query(db.url, 'delete from t where v = 2');
    const resumed = await migrate({ url: db.url, migrationsFolder, resume: true });
    expect(resumed.ran).toMatchObject([{ id: migrationId(2, 'indexes') }]);
    const indexes = await query(db.url, "select indexname from pg_indexes where tablename = 't' order by 1");
    expect(indexes.map((r) => r.indexname)).toEqual(['t_id', 't_id_v', 't_v']);
    expect((await status({ url: db.url, migrationsFolder })).problems).toEqual([]);
  });

  it('may be fixed in its file from the failed statement on, then resumed; the statements that ran may not change', async () => {
    const typo = [
      specs[0]!,
      {
        name: 'indexes',
        transaction: false,
        up: 'create index concurrently t_v on t (v);\ncreate index concurently t_id on t (id);\ncreate table after (id int);',
      },
    ];
    const migrationsFolder = writeMigrations(typo);
    const error = await failure(migrate({ url: db.url, migrationsFolder }));
    expect(error.statementIndex).toBe(2);
    const up = join(migrationsFolder, migrationId(2, 'indexes'), 'up.sql');
    const text = readFileSync(up, 'utf8');

    // Changing statement 1, which ran, is refused, with what to do.
    writeFileSync(up, text.replace('on t (v)', 'on t (v, id)'));
    hash({ migrationsFolder });
    await expect(migrate({ url: db.url, migrationsFolder, resume: true })).rejects.toMatchObject({
      code: 'CHECKSUM_MISMATCH',
      message: expect.stringContaining('the edit changes statement 1, which already ran and stay applied'),
    });

    // Fixing the typo in the failed statement is the advertised recovery, and it works.
    writeFileSync(up, text.replace('concurently', 'concurrently'));
    hash({ migrationsFolder });
    expect((await status({ url: db.url, migrationsFolder })).problems.join('\n')).not.toContain('edited');
    const resumed = await migrate({ url: db.url, migrationsFolder, resume: true });
    expect(resumed.ran.map((r) => r.id)).toEqual([migrationId(2, 'indexes')]);
    expect(await query(db.url, "select indexname from pg_indexes where tablename = 't' order by 1")).toEqual([
      { indexname: 't_id' },
      { indexname: 't_v' },
    ]);
    const report = await status({ url: db.url, migrationsFolder });
    expect(report.problems).toEqual([]);
    expect(report.migrations[1]).toMatchObject({ state: 'applied', checksumMatches: true });
  });

  it('can be marked finished by hand with stamp', async () => {
    const migrationsFolder = writeMigrations(specs);
    await failure(migrate({ url: db.url, migrationsFolder }));
    // The failed concurrent build left its index INVALID: status names it.
    expect((await status({ url: db.url, migrationsFolder })).problems.join('\n')).toContain(
      'index public.t_id on public.t is INVALID',
    );
    // Finished by hand: the duplicate goes, the index is built, the rest of the migration run.
    await query(db.url, 'delete from t where v = 2');
    await query(db.url, 'drop index t_id');
    await query(db.url, 'create unique index t_id on t (id)');
    await query(db.url, 'create index t_id_v on t (id, v)');
    await stamp(migrationId(2, 'indexes'), { url: db.url, migrationsFolder });
    const report = await status({ url: db.url, migrationsFolder });
    expect(report.migrations[1]).toMatchObject({ state: 'applied', stamped: true });
    expect(report.problems).toEqual([]);
  });
});
