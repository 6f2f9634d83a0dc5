import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { query, useFreshDatabase } from '../support/fresh-database.js';
import { migrationId, writeMigrations } from '../support/migrations-dir.js';
import { ROOT, spawnTs } from '../support/spawn.js';

const db = useFreshDatabase();
const worker = join(ROOT, 'test/fixtures/migrate-worker.ts');

describe('16 replicas starting at once', () => {
  it('apply each migration exactly once, and all 16 succeed with the same head', async () => {
    // Each migration records every execution in a log table, and sleeps so the others pile up on the lock.
    const migrationsFolder = writeMigrations([
      { name: 'log', up: 'create table runs (migration text);\ninsert into runs values (\'001\');\nselect pg_sleep(0.3);' },
      { name: 'two', up: "insert into runs values ('002');\nselect pg_sleep(0.3);" },
      { name: 'three', up: "insert into runs values ('003');\ncreate table three (id int);" },
    ]);
    const runs = Array.from({ length: 16 }, () => spawnTs(worker, [db.url, migrationsFolder]).done);
    const results = await Promise.all(runs);
    const outputs = results.map((r) => JSON.parse(r.stdout) as { ok: boolean; head: string; ran: { id: string }[] });

    expect(results.map((r) => r.code)).toEqual(Array(16).fill(0));
    expect(new Set(outputs.map((o) => o.head))).toEqual(new Set([migrationId(3, 'three')]));
    const executions = await query<{ migration: string; n: number }>(
      db.url,
      'select migration, count(*)::int as n from runs group by migration order by migration',
    );
    expect(executions).toEqual([
      { migration: '001', n: 1 },
      { migration: '002', n: 1 },
      { migration: '003', n: 1 },
    ]);
    expect(outputs.flatMap((o) => o.ran.map((r) => r.id)).sort()).toEqual([1, 2, 3].map((n) => migrationId(n, ['log', 'two', 'three'][n - 1]!)));
    // Those that waited said who held the lock.
    expect(results.some((r) => /Waiting for the migration lock on "smartem_db"."migrations", held by pid \d+ "smartem-db"/.test(r.stderr))).toBe(true);
  });
});
