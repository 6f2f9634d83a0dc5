import { appendFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hash, migrate, status } from '../../src/api.js';
import { query, useFreshDatabase } from '../support/fresh-database.js';
import { addMigration, migrationId, tempDir, writeMigrations } from '../support/migrations-dir.js';

const db = useFreshDatabase();

const two = [
  { name: 'a', up: 'create table a (id int);', down: 'drop table a;' },
  { name: 'b', up: 'create table b (id int);', down: 'drop table b;' },
];

describe('before applying anything, migrate() checks the folder against the journal', () => {
  it('refuses an applied migration that was edited, naming the file and both checksums', async () => {
    const migrationsFolder = writeMigrations(two);
    await migrate({ url: db.url, migrationsFolder, to: '001' });
    const upFile = join(migrationsFolder, migrationId(1, 'a'), 'up.sql');
    appendFileSync(upFile, 'create index on a (id);\n');

    // Whether or not the manifest was regenerated, the journal knows the applied file changed.
    for (const rehash of [false, true]) {
      if (rehash) hash({ migrationsFolder });
      await expect(migrate({ url: db.url, migrationsFolder })).rejects.toMatchObject({ code: 'CHECKSUM_MISMATCH' });
    }
    const error = await migrate({ url: db.url, migrationsFolder }).catch((e: unknown) => e);
    const message = (error as Error).message;
    expect(message).toContain(`${migrationId(1, 'a')}/up.sql was edited after it was applied`);
    expect(message.match(/sha256:[0-9a-f]{64}/g)).toHaveLength(2);
    expect((await status({ url: db.url, migrationsFolder })).migrations[0]).toMatchObject({ checksumMatches: false });
    // Nothing ran: b is still pending.
    expect((await status({ url: db.url, migrationsFolder })).migrations[1]!.state).toBe('pending');
  });

  it('refuses to run a pending migration edited after the manifest was written, and status says so', async () => {
    const migrationsFolder = writeMigrations(two);
    await migrate({ url: db.url, migrationsFolder, to: '001' });
    appendFileSync(join(migrationsFolder, migrationId(2, 'b'), 'up.sql'), 'drop table a;\n');
    await expect(migrate({ url: db.url, migrationsFolder })).rejects.toMatchObject({
      code: 'MANIFEST_MISMATCH',
      message: expect.stringContaining(`${migrationId(2, 'b')}/up.sql: edited`),
    });
    expect(await query(db.url, "select to_regclass('public.a')::text as a")).toEqual([{ a: 'a' }]);
    const report = await status({ url: db.url, migrationsFolder });
    expect(report.problems.join('\n')).toContain('smartem.sum does not match');
  });

  it('refuses when an applied migration is missing from the folder', async () => {
    const migrationsFolder = writeMigrations(two);
    await migrate({ url: db.url, migrationsFolder });
    renameSync(join(migrationsFolder, migrationId(2, 'b')), join(tempDir(), 'moved'));
    hash({ migrationsFolder });
    await expect(migrate({ url: db.url, migrationsFolder })).rejects.toMatchObject({
      code: 'APPLIED_MIGRATION_MISSING',
      message: expect.stringContaining(
        `Migration ${migrationId(2, 'b')} is recorded in smartem_db.migrations as applied`,
      ),
    });
    const report = await status({ url: db.url, migrationsFolder });
    expect(report.migrations.at(-1)).toMatchObject({ id: migrationId(2, 'b'), state: 'missing' });
  });

  it('refuses an unapplied migration that sorts before an applied one, unless allowed', async () => {
    const migrationsFolder = writeMigrations([two[0]!]);
    addMigration(migrationsFolder, 3, { name: 'c', up: 'create table c (id int);' }, migrationId(1, 'a'), true);
    await migrate({ url: db.url, migrationsFolder });
    // A branch merged late brings 002.
    addMigration(migrationsFolder, 2, two[1]!, migrationId(1, 'a'), true);
    const error = (await migrate({ url: db.url, migrationsFolder }).catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: 'OUT_OF_ORDER' });
    expect(error.message).toContain(
      `${migrationId(2, 'b')} is not applied, but ${migrationId(3, 'c')}, which sorts after, already is`,
    );
    expect(error.message).toContain('--allow-out-of-order');
    const result = await migrate({ url: db.url, migrationsFolder, allowOutOfOrder: true });
    expect(result.ran.map((r) => r.id)).toEqual([migrationId(2, 'b')]);
    expect(result.head).toBe(migrationId(3, 'c'));
  });
});
