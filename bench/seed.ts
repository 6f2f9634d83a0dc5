// Loading development data: smartem-db's demo session (COPY, generated in process) against
// drizzle-seed (batched INSERTs from generated values) on the SmartEM tables of the hierarchy, each
// into a new database at the baseline. Compared per row, since the two make different row counts;
// then the two-million-micrograph database the online benchmark uses, smartem-db alone.
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { seed as drizzleSeed } from 'drizzle-seed';
import { migrate, seed } from '../src/api.js';
import { acquisition, foilhole, grid, gridsquare, micrograph } from '../schema/index.js';
import { stats, withDatabase } from './support.js';

const migrationsFolder = join(import.meta.dirname, '../drizzle');

async function timeOurs(micrographs: number): Promise<{ ms: number; rows: number }> {
  return withDatabase(async (url) => {
    await migrate({ url, migrationsFolder });
    const started = performance.now();
    const report = await seed({
      url,
      migrationsFolder,
      seeds: join(import.meta.dirname, '../seed'),
      demo: {
        shape: {
          grids: 1,
          gridsquaresPerGrid: 20,
          foilholesPerGridsquare: micrographs / 80,
          micrographsPerFoilhole: 4,
        },
      },
    });
    return { ms: performance.now() - started, rows: report.demo!.total };
  });
}

async function timeDrizzleSeed(micrographs: number): Promise<{ ms: number; rows: number }> {
  return withDatabase(async (url) => {
    await migrate({ url, migrationsFolder });
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const started = performance.now();
      await drizzleSeed(drizzle(sql), { acquisition, grid, gridsquare, foilhole, micrograph }, { seed: 7 }).refine(
        () => ({
          acquisition: { count: 1 },
          grid: { count: 1 },
          gridsquare: { count: 20 },
          foilhole: { count: micrographs / 4 },
          micrograph: { count: micrographs },
        }),
      );
      const ms = performance.now() - started;
      const [c] = await sql<
        { n: number }[]
      >`select (select count(*) from acquisition) + (select count(*) from grid) + (select count(*) from gridsquare) + (select count(*) from foilhole) + (select count(*) from micrograph) as n`;
      return { ms, rows: Number(c!.n) };
    } finally {
      await sql.end();
    }
  });
}

export async function benchSeed(calls: number): Promise<void> {
  const micrographs = 8000;
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i < calls; i++) {
    const a = await timeOurs(micrographs);
    ours.push((a.ms * 1000) / a.rows);
    const b = await timeDrizzleSeed(micrographs);
    theirs.push((b.ms * 1000) / b.rows);
  }
  const [o, t] = [stats(ours).median, stats(theirs).median];
  console.log(
    `${`seed ${micrographs} micrographs and their hierarchy, per row vs drizzle-seed`.padEnd(58)} smartem-db ${o.toFixed(1)} µs/row (${Math.round(1e6 / o).toLocaleString('en')} rows/s)   peer ${t.toFixed(1)} µs/row (${Math.round(1e6 / t).toLocaleString('en')} rows/s)   ratio ${(o / t).toFixed(3)}`,
  );
  await withDatabase(async (url) => {
    await migrate({ url, migrationsFolder });
    const report = await seed({
      url,
      migrationsFolder,
      seeds: join(import.meta.dirname, '../seed'),
      demo: { scale: 42 },
    });
    const d = report.demo!;
    console.log(
      `seed --demo --scale 42: ${d.rows.micrograph!.toLocaleString('en')} micrographs, ${d.total.toLocaleString('en')} rows in ${d.seconds.toFixed(1)} s (${d.rowsPerSecond.toLocaleString('en')} rows/s); drizzle-seed stops at MAX_PARAMETERS_EXCEEDED well before this size`,
    );
  });
}
