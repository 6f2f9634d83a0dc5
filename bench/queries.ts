// The backend's common reads on a demo session (seed --demo), before and after migration 002 (the
// indexes behind the foreign keys): README's relational query (a grid's whole tree through
// db.query), a grid's squares with their latest prediction, a square's foil holes and micrographs,
// and an acquisition's newest micrographs. Each line: the median of each, the plan's scans, and the
// ratio after / before (below 1: 002 made it faster). BENCH_QUERY_SCALES picks the demo scales
// (default 1,10); a query slower than BENCH_QUERY_LIMIT_S (default 60) before 002 is cut off there.
import { join } from 'node:path';
import { desc, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from '../schema/index.js';
import { migrate, seed } from '../src/api.js';
import { stats, withDatabase } from './support.js';

const migrationsFolder = join(import.meta.dirname, '../drizzle');

type Db = ReturnType<typeof drizzle<typeof schema>>;
interface Subjects {
  grid: string;
  gridsquare: string;
  acquisition: string;
}
interface Query {
  name: string;
  /** The statement as the application sends it (for EXPLAIN). */
  statement: (db: Db, s: Subjects) => { sql: string; params: unknown[] };
}

const QUERIES: Query[] = [
  {
    name: "README's db.query: a grid's squares, foil holes, micrographs",
    statement: (db, s) =>
      db.query.grid
        .findMany({
          where: eq(schema.grid.uuid, s.grid),
          with: { gridsquares: { with: { foilholes: { with: { micrographs: true } } } } },
        })
        .toSQL(),
  },
  {
    name: "a grid's squares with their latest prediction",
    statement: (db, s) =>
      db.query.gridsquare
        .findMany({
          where: eq(schema.gridsquare.gridUuid, s.grid),
          with: { predictions: { orderBy: desc(schema.qualityprediction.timestamp), limit: 1 } },
        })
        .toSQL(),
  },
  {
    name: "a square's foil holes and their micrographs",
    statement: (db, s) =>
      db
        .select()
        .from(schema.foilhole)
        .leftJoin(schema.micrograph, eq(schema.micrograph.foilholeUuid, schema.foilhole.uuid))
        .where(eq(schema.foilhole.gridsquareUuid, s.gridsquare))
        .toSQL(),
  },
  {
    name: "an acquisition's 50 newest micrographs",
    statement: (db, s) =>
      db
        .select({ micrograph: schema.micrograph })
        .from(schema.micrograph)
        .innerJoin(schema.foilhole, eq(schema.foilhole.uuid, schema.micrograph.foilholeUuid))
        .innerJoin(schema.gridsquare, eq(schema.gridsquare.uuid, schema.foilhole.gridsquareUuid))
        .innerJoin(schema.grid, eq(schema.grid.uuid, schema.gridsquare.gridUuid))
        .where(eq(schema.grid.acquisitionUuid, s.acquisition))
        .orderBy(desc(schema.micrograph.acquisitionDatetime))
        .limit(50)
        .toSQL(),
  },
];

interface Timing {
  ms: number;
  /** The scans in the plan, e.g. "Seq Scan micrograph" or "Index Scan ix_micrograph_foilhole_uuid". */
  plan: string;
  cutOff: boolean;
}

/** The distinct scans of a plan (EXPLAIN's JSON), in the order they appear. */
function scans(node: Record<string, unknown>, out: Set<string>): Set<string> {
  const type = node['Node Type'] as string;
  if (type.endsWith('Scan') && type !== 'Subquery Scan' && type !== 'Function Scan')
    out.add(`${type} ${(node['Index Name'] ?? node['Relation Name']) as string}`);
  for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) scans(child, out);
  return out;
}

async function time(sql: postgres.Sql, statement: { sql: string; params: unknown[] }, calls: number, limitS: number) {
  const params = statement.params as postgres.ParameterOrJSON<never>[];
  const [explained] = await sql.unsafe(`EXPLAIN (FORMAT JSON) ${statement.sql}`, params);
  const plan = [...scans((explained!['QUERY PLAN'] as { Plan: Record<string, unknown> }[])[0]!.Plan, new Set())].join(
    ', ',
  );
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    try {
      await sql.begin(async (tx) => {
        await tx.unsafe(`SET LOCAL statement_timeout = ${limitS * 1000}`);
        await tx.unsafe(statement.sql, params);
      });
    } catch (error) {
      if ((error as { code?: string }).code !== '57014') throw error;
      return { ms: limitS * 1000, plan, cutOff: true };
    }
    samples.push(performance.now() - started);
    // One call that takes seconds says enough.
    if (performance.now() - started > 2_000) break;
  }
  return { ms: stats(samples).median, plan, cutOff: false };
}

const fmt = (t: Timing) =>
  t.cutOff ? `> ${t.ms / 1000} s` : t.ms < 10 ? `${t.ms.toFixed(2)} ms` : `${t.ms.toFixed(0)} ms`;

export async function benchQueries(calls: number): Promise<void> {
  const scales = (process.env.BENCH_QUERY_SCALES ?? '1,10').split(',').map(Number);
  const limitS = Number(process.env.BENCH_QUERY_LIMIT_S ?? 60);
  for (const scale of scales) {
    await withDatabase(async (url) => {
      await migrate({ url, migrationsFolder, to: '001' });
      const seeded = await seed({ url, migrationsFolder, demo: { scale, seed: 1 } });
      const sql = postgres(url, { max: 1, onnotice: () => {} });
      try {
        const db = drizzle(sql, { schema });
        const [subjects] = await sql<Subjects[]>`
          select g.uuid as grid, g.acquisition_uuid as acquisition,
                 (select s.uuid from gridsquare s where s.grid_uuid = g.uuid order by s.uuid limit 1) as gridsquare
          from grid g order by g.uuid limit 1`;
        const run = async () => {
          await sql`analyze`;
          const out: Timing[] = [];
          for (const q of QUERIES) out.push(await time(sql, q.statement(db, subjects!), calls, limitS));
          return out;
        };
        const before = await run();
        await migrate({ url, migrationsFolder });
        const after = await run();
        console.log(
          `queries on seed --demo --scale ${scale} (${seeded.demo!.rows.micrograph} micrographs), before -> after 002:`,
        );
        QUERIES.forEach((q, i) => {
          const [b, a] = [before[i]!, after[i]!];
          console.log(
            `  ${q.name.padEnd(58)} ${fmt(b).padStart(9)} -> ${fmt(a).padStart(9)}   ratio ${(a.ms / b.ms).toFixed(3)}${b.cutOff ? ' (at most)' : ''}`,
          );
          console.log(`      before: ${b.plan}\n      after:  ${a.plan}`);
        });
      } finally {
        await sql.end();
      }
    });
  }
}
