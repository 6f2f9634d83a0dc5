import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { generate, migrate } from '../../src/api.js';
import { query, useFreshDatabase } from '../support/fresh-database.js';
import { HEADER, tempProject } from '../support/temp-project.js';

const db = useFreshDatabase();

const model = (column: string) => `${HEADER}
export const micrograph = pgTable(
  'micrograph',
  { uuid: varchar('uuid').primaryKey(), ${column} },
  (t) => [index('ix_micrograph_defocus').on(t.defocus)],
);
`;

/**
 * An application version as a loop of the statements it runs, on its own connection: insert a
 * row, change another, read back what it wrote. It records each statement that fails, and when.
 */
function appVersion(url: string, column: string, tag: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const failures: { at: number; code: string; message: string }[] = [];
  let k = 0;
  let running = true;
  const done = (async () => {
    while (running) {
      k++;
      const id = `${tag}-${k}`;
      try {
        await sql.unsafe(`insert into micrograph (uuid, ${column}) values ($1, $2)`, [id, k]);
        await sql.unsafe(`update micrograph set ${column} = $1 where uuid = $2`, [k + 1, `seed-${(k % 2000) + 1}`]);
        const [row] = (await sql.unsafe(`select ${column} as v from micrograph where uuid = $1`, [id])) as unknown as {
          v: number;
        }[];
        if (row?.v !== k) throw new Error(`read ${row?.v} for ${id}, wrote ${k}`);
      } catch (error) {
        failures.push({
          at: Date.now(),
          code: (error as { code?: string }).code ?? '',
          message: (error as Error).message,
        });
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  })();
  return {
    failures,
    writes: () => k,
    stop: async () => {
      running = false;
      await done;
      await sql.end();
    },
  };
}

const unequal = async () =>
  (
    await query<{ n: number }>(
      db.url,
      'select count(*)::int as n from micrograph where defocus is distinct from defocus_nm',
    )
  )[0]!.n;

describe('expand and contract with two versions of the application running', () => {
  it('neither fails before the contract; the columns stay equal; after it the old one fails as it should', async () => {
    const p = tempProject(model("defocus: integer('defocus').notNull().default(0)"));
    const options = () => p.optionsFor(db.url);
    await generate({ ...options(), name: 'baseline' });
    await migrate(options());
    await query(
      db.url,
      "insert into micrograph (uuid, defocus) select 'seed-' || g, g from generate_series(1, 40000) g",
    );
    p.setSchema(
      model("defocusNm: integer('defocus_nm').notNull().default(0)").replace('.on(t.defocus)', '.on(t.defocusNm)'),
    );
    const written = await generate({
      ...options(),
      name: 'defocus in nm',
      renames: ['micrograph.defocus=defocus_nm'],
      expandContract: true,
    });

    // The old version runs throughout; the expand runs under it (its backfill in batches).
    const oldApp = appVersion(db.url, 'defocus', 'old');
    await new Promise((r) => setTimeout(r, 200));
    const expanded = await migrate(options());
    expect(expanded.ran.map((r) => r.id)).toEqual([written.id]);
    // The new version starts once the expand is applied, as a rolling deploy's migrate() has it.
    const newApp = appVersion(db.url, 'defocus_nm', 'new');
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 150));
      expect(await unequal()).toBe(0);
    }
    expect(oldApp.failures).toEqual([]);
    expect(newApp.failures).toEqual([]);

    const contractStarted = Date.now();
    await migrate({ ...options(), contract: true });
    await new Promise((r) => setTimeout(r, 200));
    await Promise.all([oldApp.stop(), newApp.stop()]);
    expect(newApp.failures).toEqual([]);
    expect(newApp.writes()).toBeGreaterThan(10);
    // After the contract the old version's statements name a column that is gone.
    const before = oldApp.failures.filter((f) => f.at < contractStarted);
    expect(before).toEqual([]);
    expect(oldApp.failures.length).toBeGreaterThan(0);
    expect(new Set(oldApp.failures.map((f) => f.code))).toEqual(new Set(['42703']));
    const [row] = await query<{ n: number }>(
      db.url,
      'select count(*)::int as n from micrograph where defocus_nm is null',
    );
    expect(row!.n).toBe(0);
  });
});
