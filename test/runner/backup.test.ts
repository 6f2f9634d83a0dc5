import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { migrate, restore } from '../../src/api.js';
import { query, useFreshDatabase } from '../support/fresh-database.js';
import { tempDir, writeMigrations } from '../support/migrations-dir.js';

const db = useFreshDatabase();

const specs = [
  { name: 'grid', up: 'create table grid (uuid varchar primary key, notes varchar);', down: 'drop table grid;' },
  { name: 'drop_notes', up: 'alter table grid drop column notes;', down: 'alter table grid add column notes varchar;' },
];

describe('upgrade --backup', () => {
  it('backs up before a migration that drops a column with data, and restore brings the rows back', async () => {
    const migrationsFolder = writeMigrations(specs);
    await migrate({ url: db.url, migrationsFolder, to: '001' });
    await query(db.url, "insert into grid values ('g1', 'kept note'), ('g2', 'another')");
    const dir = tempDir();
    const lines: string[] = [];
    const result = await migrate({
      url: db.url,
      migrationsFolder,
      backup: { dir },
      logger: { info: (m) => lines.push(m), warn: () => {} },
    });
    expect(result.ran).toHaveLength(1);
    expect(result.backup!.file).toMatch(new RegExp(`${db.name}-2026_01_01_1200-001_grid-\\d{8}T\\d{6}Z\\.dump$`));
    expect(lines.join('\n')).toContain(`To restore it: smartem-db restore`);
    expect(
      await query(
        db.url,
        "select column_name from information_schema.columns where table_name = 'grid' and column_name = 'notes'",
      ),
    ).toEqual([]);

    const restored = await restore(result.backup!.file, { url: db.url, migrationsFolder });
    expect(restored.database).toContain(db.name);
    expect(await query(db.url, 'select uuid, notes from grid order by uuid')).toEqual([
      { uuid: 'g1', notes: 'kept note' },
      { uuid: 'g2', notes: 'another' },
    ]);
    // The journal came back with it: the database is at the migration the backup was taken at.
    expect(await query(db.url, 'select id from smartem_db.migrations')).toEqual([{ id: '2026_01_01_1200-001_grid' }]);
  });

  it('writes nothing when nothing is pending', async () => {
    const migrationsFolder = writeMigrations(specs);
    await migrate({ url: db.url, migrationsFolder });
    const dir = tempDir();
    const again = await migrate({ url: db.url, migrationsFolder, backup: { dir } });
    expect(again.backup).toBeUndefined();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('says what is missing when pg_dump is not on PATH, and migrates nothing', async () => {
    const migrationsFolder = writeMigrations(specs);
    const path = process.env.PATH;
    process.env.PATH = tempDir();
    try {
      await expect(migrate({ url: db.url, migrationsFolder, backup: true, cwd: tempDir() })).rejects.toMatchObject({
        code: 'MISSING_DEPENDENCY',
        message: expect.stringContaining('pg_dump is not on PATH'),
      });
    } finally {
      process.env.PATH = path;
    }
    expect(await query(db.url, "select to_regclass('grid')::text as t")).toEqual([{ t: null }]);
  });

  it('backs up and restores the embedded database (its data directory)', async () => {
    const cwd = tempDir();
    const migrationsFolder = writeMigrations(specs);
    const embedded = { migrationsFolder, cwd, env: {}, embedded: true as const };
    await migrate({ ...embedded, to: '001' });
    const result = await migrate({ ...embedded, backup: true });
    expect(result.backup!.file).toMatch(
      /\.smartem-db\/backups\/embedded-2026_01_01_1200-001_grid-\d{8}T\d{6}Z\.tar\.gz$/,
    );
    const restored = await restore(result.backup!.file, embedded);
    expect(existsSync(restored.previous!)).toBe(true);
    // Back at the migration the backup was taken at: the second one is pending again.
    expect((await migrate(embedded)).ran.map((r) => r.id)).toEqual(['2026_01_02_1200-002_drop_notes']);
  });
});
