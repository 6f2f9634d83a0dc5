import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { query, useFreshDatabase } from '../support/fresh-database.js';
import { migrationId, writeMigrations } from '../support/migrations-dir.js';
import { ROOT, spawnTs } from '../support/spawn.js';

const db = useFreshDatabase();
const worker = join(ROOT, 'test/fixtures/migrate-worker.ts');

describe('16 replicas starting at once', () => {
  it('apply each migration exactly once, and all 16 succeed with the same head, also through concurrent index builds', async () => {
    // Each migration records every execution in a log table, and sleeps so the others pile up on
    // the lock. The fourth is what `generate --online` writes: concurrent index builds, which wait
    // for every snapshot older than theirs, so a replica waiting for the lock must hold none.
    const migrationsFolder = writeMigrations([
      {
        name: 'log',
        // It holds the lock until other replicas have connected (on a busy machine the first can
        // otherwise be done before the rest have started), so some of them must wait.
        up: [
          'create table runs (migration text);',
          "insert into runs values ('001');",
          'create table big as select g as id, g % 97 as v from generate_series(1, 20000) g;',
          // pg_stat_activity is read once a transaction unless its snapshot is cleared.
          `do $$ begin for i in 1..400 loop
             perform pg_stat_clear_snapshot();
             exit when (select count(*) from pg_stat_activity where datname = current_database()
                          and application_name = 'smartem-db' and pid <> pg_backend_pid()) >= 3;
             perform pg_sleep(0.1);
           end loop; end $$;`,
          'select pg_sleep(0.5);',
        ].join('\n'),
      },
      { name: 'two', up: "insert into runs values ('002');\nselect pg_sleep(0.3);" },
      { name: 'three', up: "insert into runs values ('003');\ncreate table three (id int);" },
      {
        name: 'online',
        transaction: false,
        up: [
          "insert into runs values ('004');",
          'select pg_sleep(0.5);',
          'create index concurrently ix_big_v on big (v);',
          'create unique index concurrently ix_big_id on big (id);',
          'create index concurrently ix_big_id_v on big (id, v);',
        ].join('\n'),
      },
    ]);
    const names = ['log', 'two', 'three', 'online'];
    const runs = Array.from({ length: 16 }, () => spawnTs(worker, [db.url, migrationsFolder]).done);
    const results = await Promise.all(runs);
    const outputs = results.map(
      (r) => JSON.parse(r.stdout) as { ok: boolean; head: string; ran: { id: string }[]; message?: string },
    );

    expect(outputs.filter((o) => !o.ok).map((o) => o.message)).toEqual([]);
    expect(results.map((r) => r.code)).toEqual(Array(16).fill(0));
    expect(new Set(outputs.map((o) => o.head))).toEqual(new Set([migrationId(4, 'online')]));
    const executions = await query<{ migration: string; n: number }>(
      db.url,
      'select migration, count(*)::int as n from runs group by migration order by migration',
    );
    expect(executions).toEqual(['001', '002', '003', '004'].map((migration) => ({ migration, n: 1 })));
    expect(outputs.flatMap((o) => o.ran.map((r) => r.id)).sort()).toEqual(
      names.map((name, i) => migrationId(i + 1, name)),
    );
    const indexes = await query<{ name: string; valid: boolean }>(
      db.url,
      "select c.relname as name, i.indisvalid as valid from pg_index i join pg_class c on c.oid = i.indexrelid where i.indrelid = 'big'::regclass order by 1",
    );
    expect(indexes).toEqual(['ix_big_id', 'ix_big_id_v', 'ix_big_v'].map((name) => ({ name, valid: true })));
    // Those that waited said who held the lock.
    expect(
      results.some((r) =>
        /Waiting for the migration lock on "smartem_db"."migrations", held by pid \d+ "smartem-db"/.test(r.stderr),
      ),
    ).toBe(true);
  }, 120_000);
});
