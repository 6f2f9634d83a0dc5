// A table made partitioned while four writers insert into and update it: the online form (made
// beside it, writes mirrored by a trigger, rows copied in batches, swapped in one short
// transaction) against the plain form (renamed aside and copied under its lock), each on its own
// copy of a table of BENCH_REMAKE_ROWS rows (default one million). Reported: how long migrate
// took, the longest write while it ran, and how long the writes in flight at the swap waited.
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { generate, migrate } from '../src/api.js';
import { withDatabase } from './support.js';
import { READING_MODEL as MODEL, READING_PARTITIONED as PARTITIONED } from '../test/fixtures/partitioned-reading.js';

const ROOT = join(import.meta.dirname, '..');
const WRITERS = 4;

interface Outcome {
  migrateMs: number;
  max: number;
  p99: number;
  writes: number;
  /** The longest wait of the writes in flight when the table was swapped (or copied, plainly). */
  swapWait: number;
}

/** Four writers inserting and updating readings, each write timed; and the moment the table became partitioned. */
function startWriters(url: string, rows: number) {
  const sql = postgres(url, { max: WRITERS, onnotice: () => {} });
  const writes: { start: number; ms: number }[] = [];
  const failures: string[] = [];
  let running = true;
  let swappedAt = 0;
  const loops = Array.from({ length: WRITERS }, async (_, w) => {
    for (let i = 0; running; i++) {
      const start = Date.now();
      const started = performance.now();
      try {
        if (i % 2 === 0) await sql`insert into reading (at, grid) values ('2026-06-01', ${`w${w}`})`;
        else await sql`update reading set grid = ${`u${i}`} where id = ${((i * 7919 + w) % rows) + 1}`;
      } catch (error) {
        failures.push((error as Error).message);
      }
      writes.push({ start, ms: performance.now() - started });
    }
  });
  const watcher = (async () => {
    while (running && !swappedAt) {
      const [row] = await sql<{ relkind: string }[]>`select relkind from pg_class where relname = 'reading'`;
      if (row?.relkind === 'p') swappedAt = Date.now();
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await Promise.all([...loops, watcher]);
      await sql.end();
      if (failures.length) throw new Error(`${failures.length} writes failed, the first: ${failures[0]}`);
      return { writes, swappedAt };
    },
  };
}

async function remade(url: string, rows: number, plain: boolean): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), 'smartem-bench-remake-'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const options = { cwd: dir, url, migrationsFolder: join(dir, 'drizzle'), schema: join(dir, 'v1.ts') };
  try {
    writeFileSync(join(dir, 'v1.ts'), MODEL);
    await generate({ ...options, name: 'baseline' });
    await migrate(options);
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin.unsafe(
      `insert into reading (at, grid) select '2026-01-01'::timestamptz + g * interval '10 seconds', 'seed' from generate_series(1, ${rows}) g`,
    );
    await admin`vacuum analyze reading`;
    await admin.end();
    writeFileSync(join(dir, 'model-extras.sql'), PARTITIONED);
    writeFileSync(join(dir, 'v2.ts'), MODEL);
    await generate({
      ...options,
      schema: join(dir, 'v2.ts'),
      name: 'partition reading',
      ...(plain ? { plain: 'benchmark' } : {}),
    });
    const load = startWriters(url, rows);
    let from = 0;
    let to = 0;
    const { writes, swappedAt } = await (async () => {
      await new Promise((r) => setTimeout(r, 1000));
      from = Date.now();
      await migrate(options);
      to = Date.now();
      await new Promise((r) => setTimeout(r, 300));
    })().then(
      () => load.stop(),
      async (error: unknown) => {
        // The migration's error is the one to report; the writers only need stopping.
        await load.stop().catch(() => undefined);
        throw error;
      },
    );
    const during = writes.filter((w) => w.start + w.ms >= from && w.start <= to).map((w) => w.ms);
    const sorted = [...during].sort((a, b) => a - b);
    const atSwap = writes.filter((w) => w.start <= swappedAt && w.start + w.ms >= swappedAt - 5).map((w) => w.ms);
    return {
      migrateMs: to - from,
      max: sorted.at(-1) ?? 0,
      p99: sorted[Math.floor(sorted.length * 0.99)] ?? 0,
      writes: sorted.length,
      swapWait: Math.max(0, ...atSwap),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ms = (n: number) => `${n < 10 ? n.toFixed(1) : n.toFixed(0)} ms`;

export async function benchRemake(): Promise<void> {
  const rows = Number(process.env.BENCH_REMAKE_ROWS ?? 1_000_000);
  const online = await withDatabase((url) => remade(url, rows, false));
  const plain = await withDatabase((url) => remade(url, rows, true));
  const described = (o: Outcome) =>
    `migrate ${ms(o.migrateMs)}, longest write ${ms(o.max)} (p99 ${ms(o.p99)}, ${o.writes} writes), writes at the swap waited ${ms(o.swapWait)}`;
  console.log(
    `a table of ${rows.toLocaleString('en')} rows made partitioned, ${WRITERS} writers:   online: ${described(online)}   ` +
      `plain: ${described(plain)}   longest-write ratio ${(online.max / plain.max).toFixed(3)}`,
  );
}
