import { execFileSync } from 'node:child_process';
import { renameSync, writeFileSync, appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hash } from '../../src/api.js';
import { readMigrationsFolder } from '../../src/migrations/migration-folder.js';
import { formatMigrationName, parseMigrationName } from '../../src/migrations/migration-name.js';
import { addMigration, migrationId, tempDir, writeMigrations } from '../support/migrations-dir.js';

function errorOf(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected an error');
}

describe('migration names', () => {
  it("round-trips the SmartEM team's YYYY_MM_DD_HHMM-NNN_description format", () => {
    const name = formatMigrationName(new Date(Date.UTC(2026, 10, 22, 9, 5)), 2, 'Add REGISTERED to gridsquarestatus!');
    expect(name).toBe('2026_11_22_0905-002_add_registered_to_gridsquarestatus');
    expect(parseMigrationName(name)).toMatchObject({ number: 2, createdAt: '2026-11-22T09:05', description: 'add_registered_to_gridsquarestatus' });
    expect(parseMigrationName('2026_01_30_1200-add_suggested_acquisition_index')).toBeUndefined();
  });
});

describe('readMigrationsFolder', () => {
  it('reads migrations in number order with their headers and checksums', () => {
    const folder = writeMigrations([
      { name: 'a', up: 'create table a (x int);', down: 'drop table a;' },
      { name: 'b', up: 'create index concurrently on a (x);', transaction: false },
    ]);
    const { migrations } = readMigrationsFolder(folder);
    expect(migrations.map((m) => [m.id, m.parent, m.up.transactional, !!m.down])).toEqual([
      [migrationId(1, 'a'), null, true, true],
      [migrationId(2, 'b'), migrationId(1, 'a'), false, false],
    ]);
    expect(migrations[0]!.checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('names a folder that is not a migration name', () => {
    const folder = writeMigrations([{ name: 'a', up: 'select 1;' }]);
    mkdirSync(join(folder, 'add_things'));
    const error = errorOf(() => readMigrationsFolder(folder));
    expect(error.code).toBe('MIGRATIONS_FOLDER_INVALID');
    expect(error.message).toContain('add_things/ is not a migration folder name');
  });

  it('refuses two migrations with the same number, naming both', () => {
    const folder = writeMigrations([{ name: 'a', up: 'select 1;' }]);
    mkdirSync(join(folder, '2026_02_01_1200-001_other'));
    writeFileSync(join(folder, '2026_02_01_1200-001_other', 'up.sql'), 'select 2;');
    const error = errorOf(() => readMigrationsFolder(folder, { verify: false }));
    expect(error.message).toContain('Two migrations are numbered 001');
    expect(error.message).toContain('2026_02_01_1200-001_other');
  });

  it('names each file that differs from the checksum manifest', () => {
    const folder = writeMigrations([
      { name: 'a', up: 'select 1;', down: 'select 0;' },
      { name: 'b', up: 'select 2;' },
    ]);
    appendFileSync(join(folder, migrationId(1, 'a'), 'down.sql'), 'select 3;\n');
    addMigration(folder, 3, { name: 'c', up: 'select 3;' }, migrationId(2, 'b'));
    const error = errorOf(() => readMigrationsFolder(folder));
    expect(error.code).toBe('MANIFEST_MISMATCH');
    expect(error.message).toContain(`${migrationId(1, 'a')}/down.sql: edited`);
    expect(error.message).toContain(`${migrationId(3, 'c')}/up.sql: not in the manifest`);
    hash({ migrationsFolder: folder });
    expect(() => readMigrationsFolder(folder)).not.toThrow();
  });

  it('refuses a folder with migrations but no manifest', () => {
    const folder = writeMigrations([{ name: 'a', up: 'select 1;' }]);
    renameSync(join(folder, 'smartem.sum'), join(folder, 'old.sum'));
    expect(errorOf(() => readMigrationsFolder(folder)).message).toContain('smartem.sum is missing');
  });

  it('makes two branches that each add a migration conflict in git', () => {
    const repo = tempDir();
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: repo, stdio: 'pipe' }).toString();
    git('init', '-q', '-b', 'main');
    writeMigrations([{ name: 'base', up: 'create table a (x int);' }], repo);
    git('add', '-A');
    git('commit', '-qm', 'base');
    git('checkout', '-qb', 'feature');
    addMigration(repo, 2, { name: 'feature', up: 'alter table a add column f int;' }, migrationId(1, 'base'), true);
    git('add', '-A');
    git('commit', '-qm', 'feature');
    git('checkout', '-q', 'main');
    addMigration(repo, 2, { name: 'hotfix', up: 'alter table a add column h int;' }, migrationId(1, 'base'), true);
    git('add', '-A');
    git('commit', '-qm', 'hotfix');
    const merge = errorOf(() => git('merge', 'feature'));
    expect(String((merge as { stdout?: Buffer }).stdout ?? '')).toContain('CONFLICT (content): Merge conflict in smartem.sum');
  });
});
