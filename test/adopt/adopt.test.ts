import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adopt, check, migrate, status } from '../../src/api.js';
import { readMigrationsFolder } from '../../src/migrations/migration-folder.js';
import { splitStatements } from '../../src/sql/sql-split.js';
import { query, serverUrl, useFreshDatabase } from '../support/fresh-database.js';
import { ROOT } from '../support/spawn.js';

const db = useFreshDatabase();
const migrationsFolder = join(ROOT, 'drizzle');
const schema = join(ROOT, 'schema/index.ts');
const options = () => ({ url: db.url, migrationsFolder, shadowDatabaseUrl: serverUrl() });

/** A database as SmartEM's Alembic chain leaves it at `revision`: the baseline's schema, its rows, and alembic_version. */
async function alembicDatabase(revision = 'c4d5e6f7a8b9', afterwards = ''): Promise<void> {
  const baseline = readMigrationsFolder(migrationsFolder).migrations[0]!;
  const ddl = splitStatements(readFileSync(join(migrationsFolder, baseline.id, 'up.sql'), 'utf8')).map((s) => s.sql);
  await query(db.url, ddl.join('\n'));
  await query(
    db.url,
    `create table alembic_version (version_num varchar(32) not null constraint alembic_version_pkc primary key);
     insert into alembic_version values ('${revision}');
     insert into acquisition (uuid, name) values ('acq-1', 'session 1');
     insert into grid (uuid, acquisition_uuid, name, prediction_updated_time) values ('grid-1', 'acq-1', 'grid', now());
     insert into agentsession (session_id, agent_id) values ('s-1', 'agent');
     ${afterwards}`,
  );
}

const rows = () =>
  query(
    db.url,
    'select (select count(*)::int from acquisition) as acquisitions, (select count(*)::int from grid) as grids, (select name from grid) as grid',
  );

describe('adopt', () => {
  it('stamps a database at the Alembic head as the baseline, retires alembic_version, and check then reports nothing', async () => {
    await alembicDatabase();
    const before = await rows();
    const report = await adopt(options());
    expect(report).toMatchObject({
      state: 'adopted',
      alembic: { kind: 'head', revision: 'c4d5e6f7a8b9' },
      differences: [],
    });
    expect(await rows()).toEqual(before);
    expect(await query(db.url, "select to_regclass('public.alembic_version')::text as t")).toEqual([{ t: null }]);
    const journal = await query<{ stamped: boolean; note: string }>(
      db.url,
      'select stamped, note from smartem_db.migrations',
    );
    expect(journal).toEqual([
      { stamped: true, note: expect.stringMatching(/^adopted from Alembic revision c4d5e6f7a8b9 at \d{4}-/) },
    ]);

    // At the baseline, with smartem-db's own improvements on it still to apply; upgrade applies them.
    const checked = await check({ ...options(), db: db.url, schema });
    expect(checked.model.ok).toBe(true);
    expect(checked.database).toMatchObject({ ok: false, drift: [] });
    expect(checked.database!.status.migrations.filter((m) => m.state === 'pending').map((m) => m.id)).toEqual([
      expect.stringMatching(/-002_index_foreign_keys$/),
    ]);
    expect((await migrate(options())).ran.map((m) => m.id)).toEqual([
      expect.stringMatching(/-002_index_foreign_keys$/),
    ]);
    expect((await check({ ...options(), db: db.url, schema })).database).toMatchObject({ ok: true, drift: [] });
    expect(await rows()).toEqual(before);
    // Running it again changes nothing.
    expect(await adopt(options())).toMatchObject({ state: 'already-adopted' });
    expect((await migrate(options())).ran).toEqual([]);
  });

  it('names every difference of an older or drifted database, with the SQL; --apply proves it and catches up with rows intact', async () => {
    await alembicDatabase(
      '87f8c5e11906',
      'drop index ix_micrograph_updated_at; alter table grid alter column name type varchar(40);',
    );
    const before = await rows();
    const report = await adopt(options());
    expect(report.state).toBe('differs');
    expect(report.alembic).toEqual({ kind: 'behind', revision: '87f8c5e11906', behind: 4 });
    expect(report.message).toContain("4 revisions behind SmartEM's head c4d5e6f7a8b9");
    expect(report.differences.join('\n')).toContain('ix_micrograph_updated_at');
    expect(report.differences.join('\n')).toContain('public.grid.name');
    expect(report.catchUp!.sql).toContain('CREATE INDEX ix_micrograph_updated_at ON public.micrograph');
    expect(report.catchUp!.sql).toContain('ALTER COLUMN "name" TYPE character varying');
    // Nothing changed yet.
    expect(await query(db.url, "select to_regclass('public.alembic_version')::text as t")).toEqual([
      { t: 'alembic_version' },
    ]);

    const applied = await adopt({ ...options(), apply: true });
    expect(applied.state).toBe('caught-up');
    expect(await rows()).toEqual(before);
    expect((await status(options())).migrations[0]).toMatchObject({ state: 'applied', stamped: true });
    await migrate(options());
    const checked = await check({ ...options(), db: db.url, schema });
    expect(checked.database).toMatchObject({ ok: true, drift: [] });
  });

  it('refuses a catch-up that would drop data unless allowed, and changes nothing', async () => {
    await alembicDatabase('c4d5e6f7a8b9', "alter table grid add column notes varchar; update grid set notes = 'kept';");
    await expect(adopt({ ...options(), apply: true })).rejects.toMatchObject({
      code: 'DATA_LOSS_REFUSED',
      message: expect.stringContaining('notes'),
    });
    expect(await query(db.url, 'select notes from grid')).toEqual([{ notes: 'kept' }]);
    expect(await query(db.url, "select to_regclass('smartem_db.migrations')::text as t")).toEqual([{ t: null }]);
  });

  it('says so, and changes nothing, on a database that Alembic did not build', async () => {
    const report = await adopt(options());
    expect(report).toMatchObject({
      state: 'no-alembic',
      message: expect.stringContaining('has no alembic_version table'),
    });
    expect(await query(db.url, "select to_regclass('smartem_db.migrations')::text as t")).toEqual([{ t: null }]);
  });
});
