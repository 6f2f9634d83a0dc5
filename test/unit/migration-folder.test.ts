import { execFileSync } from 'node:child_process';
import { renameSync, readFileSync, writeFileSync, appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hash } from '../../src/api.js';
import { firstInvalidUtf8Byte, readMigrationsFolder } from '../../src/migrations/migration-folder.js';
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
    expect(parseMigrationName(name)).toMatchObject({
      number: 2,
      createdAt: '2026-11-22T09:05',
      description: 'add_registered_to_gridsquarestatus',
    });
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
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
        cwd: repo,
        stdio: 'pipe',
      }).toString();
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
    expect(String((merge as { stdout?: Buffer }).stdout ?? '')).toContain(
      'CONFLICT (content): Merge conflict in smartem.sum',
    );
  });

  it('reads a contract\'s "contracts" header, and refuses one that names no earlier migration', () => {
    const folder = tempDir();
    for (const [n, name, contracts] of [
      [1, 'expand', ''],
      [2, 'contract', `-- contracts: ${migrationId(1, 'expand')}\n`],
    ] as const) {
      mkdirSync(join(folder, migrationId(n, name)));
      writeFileSync(join(folder, migrationId(n, name), 'up.sql'), `-- parent: none\n${contracts}select 1;\n`);
    }
    const read = readMigrationsFolder(folder, { verify: false });
    expect(read.migrations.map((m) => m.contracts)).toEqual([undefined, migrationId(1, 'expand')]);
    writeFileSync(
      join(folder, migrationId(2, 'contract'), 'up.sql'),
      '-- contracts: 2026_01_01_0000-009_gone\nselect 1;\n',
    );
    const error = errorOf(() => readMigrationsFolder(folder, { verify: false }));
    expect(error.code).toBe('MIGRATIONS_FOLDER_INVALID');
    expect(error.message).toContain(
      `${migrationId(2, 'contract')}/up.sql: "-- contracts: 2026_01_01_0000-009_gone" names no migration before it`,
    );
  });

  it('refuses a misspelt or malformed header line, naming the file and the line', () => {
    for (const [line, meant] of [
      ['-- transacton: no', '-- transaction: yes|no'],
      ['-- transaction no', '-- transaction: yes|no'],
      ['-- parnet: none', '-- parent: <id>|none'],
      ['-- contract: 001', '-- contracts: <expand id>'],
    ]) {
      const folder = tempDir();
      mkdirSync(join(folder, migrationId(1, 'a')));
      writeFileSync(
        join(folder, migrationId(1, 'a'), 'up.sql'),
        `-- parent: none\n${line}\ncreate index concurrently on t (x);\n`,
      );
      const error = errorOf(() => readMigrationsFolder(folder, { verify: false }));
      expect(error.code).toBe('MIGRATIONS_FOLDER_INVALID');
      expect(error.message).toContain(`${migrationId(1, 'a')}/up.sql: line 2: "${line}"`);
      expect(error.message).toContain(`did you mean "${meant}"`);
    }
  });

  it('keeps free comments at the top free', () => {
    const folder = tempDir();
    mkdirSync(join(folder, migrationId(1, 'a')));
    writeFileSync(
      join(folder, migrationId(1, 'a'), 'up.sql'),
      '-- Note: backfills run in batches\n-- Transactions are short here\n-- transaction: no\nselect 1;\n',
    );
    expect(readMigrationsFolder(folder, { verify: false }).migrations[0]!.up.transactional).toBe(false);
  });

  it('refuses a file that is not UTF-8, naming the byte, instead of replacing it', () => {
    const folder = writeMigrations([{ name: 'a', up: "insert into t values ('cafe');" }]);
    const file = join(folder, migrationId(1, 'a'), 'up.sql');
    const bytes = readFileSync(file);
    const at = bytes.indexOf('cafe') + 3;
    bytes[at] = 0xe9; // Latin-1 for e-acute
    writeFileSync(file, bytes);
    const error = errorOf(() => readMigrationsFolder(folder, { verify: false }));
    expect(error.code).toBe('MIGRATIONS_FOLDER_INVALID');
    expect(error.message).toContain(`${migrationId(1, 'a')}/up.sql is not valid UTF-8: byte ${at} (line 4) is 0xe9`);
  });

  it('finds the first byte that breaks UTF-8, and accepts every well-formed sequence', () => {
    expect(firstInvalidUtf8Byte(Buffer.from('a\u00e9\u20ac\u{1f52c}', 'utf8'))).toBe(10);
    for (const bad of [
      [0x61, 0xc0, 0x80],
      [0x61, 0xed, 0xa0, 0x80],
      [0x61, 0xe2, 0x82],
      [0x61, 0xf5, 0x80, 0x80, 0x80],
      [0x61, 0x80],
    ]) {
      expect(firstInvalidUtf8Byte(Uint8Array.from(bad))).toBe(1);
    }
  });

  it('says so when the folder is missing or is a file, and where its path came from', () => {
    const missing = join(tempDir(), 'nope');
    expect(errorOf(() => readMigrationsFolder(missing, { source: '--migrations' })).message).toBe(
      `The migrations folder ${missing} (from --migrations) does not exist. Give the folder that holds the YYYY_MM_DD_HHMM-NNN_description/ ` +
        'migrations with --migrations (or the migrationsFolder option, or SMARTEM_DB_MIGRATIONS).',
    );
    const file = join(tempDir(), 'package.json');
    writeFileSync(file, '{}');
    expect(errorOf(() => readMigrationsFolder(file)).message).toContain('is a file, not a folder');
    expect(readMigrationsFolder(missing, { allowMissing: true }).migrations).toEqual([]);
  });

  it("recognises drizzle-kit's migrations where smartem-db's were expected, and says how to move over", () => {
    const folder = tempDir();
    mkdirSync(join(folder, 'meta'));
    writeFileSync(join(folder, 'meta', '_journal.json'), '{"entries":[]}');
    writeFileSync(join(folder, '0000_init.sql'), 'create table a (x int);');
    const error = errorOf(() => readMigrationsFolder(folder));
    expect(error.message).toContain("holds drizzle-kit's migrations (meta/_journal.json, 0000_init.sql)");
    expect(error.message).toContain('smartem-db generate -m baseline');
  });
});
