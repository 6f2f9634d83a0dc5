import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { generate, migrate } from '../../src/api.js';
import { query, useFreshDatabase } from '../support/fresh-database.js';
import { tempProject } from '../support/temp-project.js';
import { READING_MODEL as model, READING_PARTITIONED as partitioned } from '../fixtures/partitioned-reading.js';

const db = useFreshDatabase();

describe('a table made partitioned online, with writers running', () => {
  it('loses no write: inserts, updates and deletes made during the copy and the swap are all there', async () => {
    const p = tempProject(model);
    const options = () => p.optionsFor(db.url);
    await generate({ ...options(), name: 'baseline' });
    await migrate(options());
    await query(
      db.url,
      "insert into reading (at, grid) select '2026-01-01'::timestamptz + g * interval '1 minute', 'seed' from generate_series(1, 60000) g",
    );
    writeFileSync(join(p.dir, 'model-extras.sql'), partitioned);
    p.setSchema(model);
    const written = await generate({ ...options(), name: 'partition reading' });
    expect(written.up).toContain('-- transaction: no');
    expect(written.up).toContain('CREATE TRIGGER "reading_smartem_mirror"');

    // Three writers, on rows of their own: inserts, updates (the last value kept), deletes.
    const sql = postgres(db.url, { max: 3, onnotice: () => {} });
    let running = true;
    const failures: string[] = [];
    const inserted: number[] = [];
    const updated = new Map<number, string>();
    const deleted: number[] = [];
    const loop = async (work: (k: number) => Promise<void>) => {
      for (let k = 1; running; k++) await work(k).catch((e: Error) => failures.push(e.message));
    };
    const writers = [
      loop(async (k) => {
        const [row] = await sql<
          { id: number }[]
        >`insert into reading (at, grid) values ('2026-06-01', ${`new-${k}`}) returning id`;
        inserted.push(row!.id);
      }),
      loop(async (k) => {
        const id = ((k * 7) % 59000) + 1;
        await sql`update reading set grid = ${`upd-${k}`} where id = ${id}`;
        updated.set(id, `upd-${k}`);
      }),
      loop(async (k) => {
        const id = 60000 - k;
        await sql`delete from reading where id = ${id}`;
        deleted.push(id);
      }),
    ];
    try {
      await new Promise((r) => setTimeout(r, 200));
      await migrate(options());
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      running = false;
      await Promise.all(writers);
    }
    try {
      expect(failures).toEqual([]);
      expect(await sql`select relkind from pg_class where relname = 'reading'`).toEqual([{ relkind: 'p' }]);
      const [count] = await sql<{ n: number }[]>`select count(*)::int as n from reading`;
      expect(count!.n).toBe(60000 + inserted.length - deleted.length);
      const gone = await sql`select id from reading where id = any(${deleted})`;
      expect(gone).toEqual([]);
      const news = await sql<{ n: number }[]>`select count(*)::int as n from reading where id = any(${inserted})`;
      expect(news[0]!.n).toBe(inserted.length);
      const wrong =
        await sql`select r.id, r.grid from reading r join unnest(${[...updated.keys()]}::int[], ${[...updated.values()]}::text[]) as u(id, grid) using (id)
                              where r.grid is distinct from u.grid and not r.id = any(${deleted})`;
      expect(wrong).toEqual([]);
      expect(inserted.length).toBeGreaterThan(10);
    } finally {
      await sql.end();
    }
  });
});
