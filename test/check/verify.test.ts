import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hash, verify } from '../../src/api.js';
import { renderHeader } from '../../src/migrations/migration-header.js';
import { useFreshDatabase } from '../support/fresh-database.js';
import { migrationId, tempDir, writeMigrations } from '../support/migrations-dir.js';

const db = useFreshDatabase();

const chain = [
  { name: 'grid', up: 'create table grid (uuid varchar primary key, name varchar);', down: 'drop table grid;' },
  {
    name: 'grid_name',
    up: '-- smartem-db:allow blocking-lock: grid is still empty when this runs\ncreate index ix_grid_name on grid (name);',
    down: 'drop index ix_grid_name;',
  },
  {
    name: 'square',
    up: 'create table square (uuid varchar primary key, grid_uuid varchar references grid);',
    down: 'drop table square;',
  },
];

const run = (migrationsFolder: string) => verify({ migrationsFolder, url: db.url, env: {} });

describe('verify()', () => {
  it('passes a linear history whose every migration goes up, down and up again', async () => {
    const report = await run(writeMigrations(chain));
    expect(report).toMatchObject({
      ok: true,
      problems: [],
      stairway: { ok: true, checked: 3, failedAt: null, file: null, step: null, details: [] },
    });
    expect(report.lint).toMatchObject({
      ok: true,
      errors: [],
      findings: [{ kind: 'blocking-lock', acknowledged: 'grid is still empty when this runs' }],
    });
  });

  it('fails on an unacknowledged hazard even when every round trip works', async () => {
    const report = await run(
      writeMigrations([chain[0]!, { name: 'index', up: 'create index ix on grid (name);', down: 'drop index ix;' }]),
    );
    expect(report.stairway?.ok).toBe(true);
    expect(report.ok).toBe(false);
    expect(report.lint.findings).toMatchObject([
      { kind: 'blocking-lock', migration: migrationId(2, 'index'), acknowledged: null },
    ]);
  });

  it('finds the first down that does not restore the state before, and says what differs', async () => {
    const bad = [chain[0]!, { ...chain[1]!, down: 'select 1;' }, chain[2]!];
    const report = await run(writeMigrations(bad));
    expect(report.ok).toBe(false);
    expect(report.stairway).toMatchObject({ ok: false, checked: 1, failedAt: migrationId(2, 'grid_name') });
    expect(report.stairway!.step).toContain('down');
    expect(report.stairway!.details).toEqual(['index ix_grid_name on public.grid: present, expected absent']);
  });

  it('reports an up that cannot run a second time after its down', async () => {
    const bad = [chain[0]!, { name: 'seq', up: 'create sequence s;', down: 'select 1;' }];
    const report = await run(writeMigrations(bad));
    expect(report.stairway!.failedAt).toBe(migrationId(2, 'seq'));
  });

  it('with data, fails a down that destroys rows of a table its migration does not touch, which the catalog cannot see', async () => {
    const sneaky = [
      {
        name: 'tables',
        up: 'create table grid (uuid varchar primary key, name varchar);\ncreate table notes (id int primary key, body text);',
        down: 'drop table notes;\ndrop table grid;',
      },
      {
        name: 'grid_code',
        up: 'alter table grid add column code varchar;',
        // Drops and re-adds a column of notes: same catalog afterwards, its data gone.
        down: 'alter table grid drop column code;\nalter table notes drop column body;\nalter table notes add column body text;',
      },
    ];
    const folder = writeMigrations(sneaky);
    expect((await run(folder)).ok).toBe(true);
    const report = await verify({ migrationsFolder: folder, url: db.url, env: {}, withData: true });
    expect(report.ok).toBe(false);
    expect(report.stairway).toMatchObject({ failedAt: migrationId(2, 'grid_code'), checked: 1 });
    expect(report.stairway!.step).toContain('changes the rows of tables the migration does not touch');
    expect(report.stairway!.details).toEqual([
      'table public.notes: its rows differ after up and down, though the migration does not change it',
    ]);
  });

  it('with data, passes migrations that change the rows of the tables they touch', async () => {
    const folder = writeMigrations([
      chain[0]!,
      { name: 'backfill', up: 'update grid set name = upper(name);', down: 'update grid set name = lower(name);' },
      chain[2]!,
    ]);
    const report = await verify({ migrationsFolder: folder, url: db.url, env: {}, withData: true });
    expect(report.stairway).toMatchObject({ ok: true, checked: 3 });
  });

  it('reports a migration without down.sql, naming the file', async () => {
    const folder = writeMigrations([chain[0]!, { name: 'no_down', up: 'select 1;' }]);
    const report = await run(folder);
    expect(report.problems).toEqual([
      {
        file: relative(process.cwd(), join(folder, migrationId(2, 'no_down'), 'down.sql')),
        message: `${migrationId(2, 'no_down')} has no down.sql, so it cannot be rolled back.`,
      },
    ]);
    expect(report.stairway).toBeNull();
  });

  it('reports two migrations with the same parent (two branches) and a parent that does not exist', async () => {
    const folder = writeMigrations(chain.slice(0, 2));
    const id = '2026_01_03_1200-003_other_branch';
    mkdirSync(join(folder, id));
    writeFileSync(join(folder, id, 'up.sql'), `${renderHeader(id, migrationId(1, 'grid'), true, 'up')}select 1;\n`);
    writeFileSync(join(folder, id, 'down.sql'), `${renderHeader(id, migrationId(1, 'grid'), true, 'down')}select 1;\n`);
    hash({ migrationsFolder: folder });
    const messages = (await run(folder)).problems.map((p) => p.message);
    expect(messages).toContain(
      `${id} names parent ${migrationId(1, 'grid')}, but the migration before it is ${migrationId(2, 'grid_name')}.`,
    );
    expect(messages).toContain(
      `${migrationId(2, 'grid_name')} and ${id} all name ${migrationId(1, 'grid')} as parent: two branches each added a migration. Renumber the later one to follow the other.`,
    );
  });

  it('reports a manifest that does not match', async () => {
    const folder = writeMigrations(chain.slice(0, 1));
    renameSync(join(folder, 'smartem.sum'), join(tempDir(), 'gone.sum'));
    const report = await run(folder);
    expect(report.problems[0]!.message).toContain('smartem.sum is missing');
  });
});
