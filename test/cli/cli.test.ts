import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { readMigrationsFolder } from '../../src/migrations/migration-folder.js';
import { describe, expect, it } from 'vitest';
import { splitStatements } from '../../src/sql/sql-split.js';
import { catalogFingerprint } from '../support/catalog-fingerprint.js';
import { createDatabase, query, useFreshDatabase } from '../support/fresh-database.js';
import { acquisitionChain } from '../fixtures/acquisition-chain.js';
import { migrationId, tempDir, writeMigrations } from '../support/migrations-dir.js';
import { freePort } from '../support/private-cluster.js';
import { ROOT } from '../support/spawn.js';
import { runCli } from '../support/cli.js';

const db = useFreshDatabase();

/** The environment without any database settings, as on a fresh machine. */
function bareEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key === 'DATABASE_URL' || key.startsWith('POSTGRES_')) delete env[key];
  return { ...env, ...extra };
}

function cli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  return runCli(args, { env: options.env ?? bareEnv(), cwd: options.cwd });
}

const chain = acquisitionChain;

describe('smartem-db CLI', () => {
  it('upgrade --sql prints SQL that, run by hand, gives the same database as upgrade', async () => {
    const folder = writeMigrations(chain);
    const printed = await cli(['upgrade', '--sql', '--from', 'base', '--migrations', folder]);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain('CREATE INDEX CONCURRENTLY'.toLowerCase());
    expect(printed.stdout).toContain('BEGIN;\nSET LOCAL lock_timeout = 2000;');

    const byHand = await createDatabase();
    try {
      const sql = postgres(byHand.url, { max: 1, onnotice: () => {} });
      try {
        for (const statement of splitStatements(printed.stdout)) await sql.unsafe(statement.sql).simple();
      } finally {
        await sql.end();
      }
      const migrated = await cli(['upgrade', '--migrations', folder, '--url', db.url]);
      expect(migrated.code).toBe(0);
      expect(await catalogFingerprint(byHand.url)).toEqual(await catalogFingerprint(db.url));
      const status = await cli(['status', '--json', '--migrations', folder, '--url', byHand.url]);
      expect(JSON.parse(status.stdout).migrations.map((m: { state: string }) => m.state)).toEqual([
        'applied',
        'applied',
        'applied',
      ]);
    } finally {
      await byHand.drop();
    }
  });

  it('downgrade -1 --sql reads the live journal and prints only the last down.sql', async () => {
    const folder = writeMigrations(chain);
    await cli(['upgrade', '--migrations', folder, '--url', db.url]);
    const printed = await cli(['downgrade', '-1', '--sql', '--migrations', folder, '--url', db.url]);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain(`-- Rolling back ${migrationId(3, 'grid_index')}`);
    expect(printed.stdout).toContain('drop index concurrently ix_grid_acquisition_uuid;');
    expect(printed.stdout).not.toContain('drop table');
    expect(printed.stdout).toContain(
      `DELETE FROM "smartem_db"."migrations" WHERE id = '${migrationId(3, 'grid_index')}';`,
    );
    // Printing ran nothing.
    expect(await query(db.url, "select 1 from pg_indexes where indexname = 'ix_grid_acquisition_uuid'")).toHaveLength(
      1,
    );
  });

  it('upgrade, current, history, downgrade and stamp, with progress on stderr and results on stdout', async () => {
    const folder = writeMigrations(chain);
    const up = await cli(['upgrade', '--migrations', folder, '--url', db.url]);
    expect(up.stdout).toContain(`Now at ${migrationId(3, 'grid_index')}`);
    expect(up.stderr).toMatch(/\[\d+\.\ds\] \[3\/3\] Applied .*grid_index in \d+ ms \(\d+\.\d s elapsed\)/);

    const current = await cli(['current', '--migrations', folder, '--url', db.url]);
    expect(current.stdout.trim()).toBe(`${migrationId(3, 'grid_index')} (head)`);

    const history = await cli(['history', '--migrations', folder]);
    expect(history.stdout.trim().split('\n')).toEqual([
      `${migrationId(2, 'grid')} -> ${migrationId(3, 'grid_index')} (head)`,
      `${migrationId(1, 'acquisition')} -> ${migrationId(2, 'grid')}`,
      `<base> -> ${migrationId(1, 'acquisition')}`,
    ]);

    const down = await cli(['downgrade', '001', '--migrations', folder, '--url', db.url, '--json']);
    expect(JSON.parse(down.stdout)).toMatchObject({
      head: migrationId(1, 'acquisition'),
      ran: [{ direction: 'down' }, { direction: 'down' }],
    });

    const stamp = await cli(['stamp', 'head', '--migrations', folder, '--url', db.url]);
    expect(stamp.stdout).toContain(`Stamped`);
    expect((await cli(['current', '--migrations', folder, '--url', db.url])).stdout).toContain('(head)');
  });

  it('exits 1 on a failed migration, 2 on bad usage, 3 on an integrity problem, 4 when it cannot connect', async () => {
    const bad = writeMigrations([{ name: 'bad', up: 'create table t (id int);\nselect * from nowhere;' }]);
    const failed = await cli(['upgrade', '--migrations', bad, '--url', db.url]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`${migrationId(1, 'bad')}/up.sql:5 (statement 2 of 2`);

    expect((await cli(['upgrade', 'nonsense', '--migrations', bad, '--url', db.url])).code).toBe(2);
    expect((await cli(['frobnicate'])).code).toBe(2);

    const edited = writeMigrations([{ name: 'a', up: 'select 1;' }]);
    await cli(['upgrade', '--migrations', edited, '--url', db.url]);
    const late = writeMigrations([{ name: 'a', up: 'select 1; select 2;' }], edited);
    const integrity = await cli(['status', '--migrations', late, '--url', db.url]);
    expect(integrity.code).toBe(3);
    expect(integrity.stdout).toContain('EDITED SINCE APPLIED');

    const port = await freePort();
    const unreachable = await cli(['status', '--migrations', bad], {
      env: bareEnv({ DATABASE_URL: `postgres://smartem:sw0rdfish@127.0.0.1:${port}/smartem` }),
    });
    expect(unreachable.code).toBe(4);
    expect(unreachable.stderr).toContain('DATABASE_URL (the environment)');
    expect(unreachable.stderr + unreachable.stdout).not.toContain('sw0rdfish');
  });

  it('runs the SmartEM migrations on the embedded database when none is configured', async () => {
    const project = tempDir();
    cpSync(join(ROOT, 'drizzle'), join(project, 'drizzle'), { recursive: true });
    const up = await cli(['upgrade'], { cwd: project });
    expect(up.code, up.stderr).toBe(0);
    const notices = up.stderr.split('\n').filter((l) => l.includes('No database configured'));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('using the embedded PGlite database in .smartem-db/pglite');
    expect(existsSync(join(project, '.smartem-db/pglite'))).toBe(true);
    expect(up.stdout).toContain(`Now at ${readMigrationsFolder(join(ROOT, 'drizzle')).migrations.at(-1)!.id}`);

    const status = await cli(['status', '--json'], { cwd: project });
    const report = JSON.parse(status.stdout);
    expect(report.database).toContain('embedded PGlite database');
    expect(report.pending).toBe(0);
    expect(report.migrations[0].state).toBe('applied');
  });
});
