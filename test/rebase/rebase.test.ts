import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate, rebase } from '../../src/api.js';
import { readMigrationsFolder } from '../../src/migrations/migration-folder.js';
import { query, serverUrl, useFreshDatabase } from '../support/fresh-database.js';
import { addMigration, migrationId, tempDir, writeMigrations } from '../support/migrations-dir.js';

const db = useFreshDatabase();

/**
 * A repository whose main and feature branches each added a migration numbered 002, feature
 * checked out, main merged in (smartem.sum in conflict); the migrations in `sub` (a subfolder, as
 * drizzle/ is in a project) or at the top.
 */
function branches(
  feature: string,
  hotfix: string,
  sub = '',
): { repo: string; folder: string; git: (...args: string[]) => string } {
  const top = tempDir();
  const repo = join(top, sub);
  mkdirSync(repo, { recursive: true });
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
      cwd: top,
      stdio: 'pipe',
    }).toString();
  git('init', '-q', '-b', 'main');
  writeMigrations([{ name: 'base', up: 'create table a (x int);', down: 'drop table a;' }], repo);
  git('add', '-A');
  git('commit', '-qm', 'base');
  git('checkout', '-qb', 'feature');
  addMigration(
    repo,
    2,
    { name: 'feature', up: feature, down: 'alter table a drop column f;' },
    migrationId(1, 'base'),
    true,
  );
  git('add', '-A');
  git('commit', '-qm', 'feature');
  git('checkout', '-q', 'main');
  addMigration(
    repo,
    2,
    { name: 'hotfix', up: hotfix, down: 'alter table a drop column h;' },
    migrationId(1, 'base'),
    true,
  );
  git('add', '-A');
  git('commit', '-qm', 'hotfix');
  git('checkout', '-q', 'feature');
  // The merge brings main's migration and conflicts in smartem.sum, as it should.
  try {
    git('merge', 'main');
  } catch {
    // expected: CONFLICT in smartem.sum
  }
  return { repo, folder: repo, git };
}

describe('rebase', () => {
  it("moves only this branch's migration when the folder is a subfolder (drizzle/), never the other branch's", async () => {
    // Same-minute ids whose descriptions sort this branch's first: main's must keep its number.
    const { folder } = branches('alter table a add column f int;', 'alter table a add column h int;', 'drizzle');
    const report = await rebase({
      migrationsFolder: folder,
      onto: 'main',
      shadowDatabaseUrl: serverUrl(),
      env: {},
      cwd: folder,
    });
    expect(report.moved).toEqual([
      { from: migrationId(2, 'feature'), to: migrationId(2, 'feature').replace('-002_', '-003_') },
    ]);
    expect(
      readdirSync(folder)
        .filter((f) => f !== 'smartem.sum')
        .sort(),
    ).toEqual([migrationId(1, 'base'), migrationId(2, 'hotfix'), migrationId(2, 'feature').replace('-002_', '-003_')]);
  });

  it("numbers this branch's migration after the other branch's, rewrites its parent and the manifest, proved", async () => {
    const { repo, git } = branches('alter table a add column f int;', 'alter table a add column h int;');
    expect(readFileSync(join(repo, 'smartem.sum'), 'utf8')).toContain('<<<<<<<');
    const report = await rebase({
      migrationsFolder: repo,
      onto: 'main',
      shadowDatabaseUrl: serverUrl(),
      env: {},
      cwd: repo,
    });
    expect(report.moved).toEqual([
      { from: migrationId(2, 'feature'), to: migrationId(2, 'feature').replace('-002_', '-003_') },
    ]);
    const folder = readMigrationsFolder(repo);
    expect(folder.migrations.map((m) => [m.number, m.description, m.parent])).toEqual([
      [1, 'base', null],
      [2, 'hotfix', migrationId(1, 'base')],
      [3, 'feature', migrationId(2, 'hotfix')],
    ]);
    expect(readFileSync(join(repo, folder.migrations[2]!.id, 'down.sql'), 'utf8')).toContain(
      `-- parent: ${migrationId(2, 'hotfix')}`,
    );
    git('add', '-A');
    git('commit', '-qm', 'merge main');
    const applied = await migrate({ url: db.url, migrationsFolder: repo });
    expect(applied.ran.map((r) => r.id)).toEqual(folder.migrations.map((m) => m.id));
  });

  it('reports a migration that no longer applies on top of the other branch, and changes nothing', async () => {
    const { repo } = branches('alter table a add column f int;', 'alter table a add column f int;');
    const before = readFileSync(join(repo, 'smartem.sum'), 'utf8');
    await expect(
      rebase({ migrationsFolder: repo, onto: 'main', shadowDatabaseUrl: serverUrl(), env: {}, cwd: repo }),
    ).rejects.toMatchObject({
      code: 'PROOF_FAILED',
      message: expect.stringContaining('no longer applies on top of the other branch'),
    });
    expect(readFileSync(join(repo, 'smartem.sum'), 'utf8')).toBe(before);
  });

  it('refuses to move a migration a configured database has applied', async () => {
    const { repo } = branches('alter table a add column f int;', 'alter table a add column h int;');
    // This database ran the feature branch's migrations before the merge.
    await query(db.url, 'create table a (x int); alter table a add column f int;');
    await query(
      db.url,
      `create schema smartem_db; create table smartem_db.migrations (id text primary key, checksum text not null, status text not null default 'applied',
       applied_at timestamptz not null default now(), execution_ms integer, statements_done integer not null default 0, statements_total integer not null default 0,
       error text, stamped boolean not null default false, direction text not null default 'up');
       insert into smartem_db.migrations (id, checksum) values ('${migrationId(2, 'feature')}', 'x');`,
    );
    await expect(
      rebase({ migrationsFolder: repo, onto: 'main', url: db.url, shadowDatabaseUrl: serverUrl(), env: {}, cwd: repo }),
    ).rejects.toMatchObject({
      message: expect.stringContaining(`has applied ${migrationId(2, 'feature')}, so it cannot move`),
    });
    expect(
      readMigrationsFolder(repo, { verify: false, allowDuplicateNumbers: true }).migrations.map((m) => m.number),
    ).toEqual([1, 2, 2]);
  });
});
