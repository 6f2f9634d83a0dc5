import { describe, expect, it } from 'vitest';
import { migrate, status } from '../../src/api.js';
import { query, useFreshDatabase } from '../support/fresh-database.js';
import { writeMigrations } from '../support/migrations-dir.js';

const db = useFreshDatabase();

describe('the journal table', () => {
  it('is created once when two applications with separate journals migrate a new database at the same time', async () => {
    const a = writeMigrations([{ name: 'a', up: 'create table if not exists app_a (id int);' }]);
    const b = writeMigrations([{ name: 'b', up: 'create table if not exists app_b (id int);' }]);
    // Each round uses a journal schema that does not exist yet, created by both at once.
    for (let round = 0; round < 15; round++) {
      const schema = `journals_${round}`;
      const results = await Promise.allSettled([
        migrate({ url: db.url, migrationsFolder: a, journal: { schema, table: 'app_a' } }),
        migrate({ url: db.url, migrationsFolder: b, journal: { schema, table: 'app_b' } }),
      ]);
      expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual(['ok', 'ok']);
    }
    const journals = await query(db.url, "select count(*)::int as n from pg_tables where schemaname like 'journals_%'");
    expect(journals).toEqual([{ n: 30 }]);
  });

  it('brings a journal written by an older smartem-db (without the newer columns) up to date, keeping its rows', async () => {
    const migrationsFolder = writeMigrations([
      { name: 'a', up: 'create table a (id int);' },
      { name: 'b', up: 'create table b (id int);' },
    ]);
    await migrate({ url: db.url, migrationsFolder, to: '001' });
    await query(db.url, 'alter table smartem_db.migrations drop column done_checksum, drop column note');
    expect((await status({ url: db.url, migrationsFolder })).migrations.map((m) => m.state)).toEqual([
      'applied',
      'pending',
    ]);
    expect((await migrate({ url: db.url, migrationsFolder })).ran).toHaveLength(1);
    const columns = await query<{ n: number }>(
      db.url,
      "select count(*)::int as n from information_schema.columns where table_schema = 'smartem_db' and column_name in ('done_checksum', 'note')",
    );
    expect(columns).toEqual([{ n: 2 }]);
  });

  it("says so when the journal's name is taken by a table that is not a journal", async () => {
    const migrationsFolder = writeMigrations([{ name: 'a', up: 'create table a (id int);' }]);
    await query(
      db.url,
      "create schema smartem_db; create table smartem_db.migrations (id text primary key, version text); insert into smartem_db.migrations values ('x', '1')",
    );
    for (const run of [
      () => status({ url: db.url, migrationsFolder }),
      () => migrate({ url: db.url, migrationsFolder }),
    ]) {
      await expect(run()).rejects.toMatchObject({
        code: 'JOURNAL_INVALID',
        message: expect.stringContaining(
          'smartem_db.migrations exists but is not a smartem-db journal: it has no columns "checksum", "status"',
        ),
      });
    }
    // And with no rows to read, the run that would write to it says the same before it writes.
    await query(db.url, 'delete from smartem_db.migrations');
    await expect(migrate({ url: db.url, migrationsFolder })).rejects.toMatchObject({ code: 'JOURNAL_INVALID' });
    expect(await query(db.url, "select to_regclass('a')::text as a")).toEqual([{ a: null }]);
  });
});
