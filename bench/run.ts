// Benchmarks of smartem-db against the peer measured in the same run (npm run bench).
// Each result is a ratio: smartem-db's median over the peer's median, both measured in one
// process, interleaved call by call so that machine noise falls on both alike.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate as drizzleMigrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { hash, migrate, stamp } from '../src/api.js';
import { readMigrationsFolder } from '../src/migrations/migration-folder.js';
import { renderHeader } from '../src/migrations/migration-header.js';
import { splitStatements } from '../src/migrations/sql-split.js';

const SERVER = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CALLS = Number(process.env.BENCH_CALLS ?? 300);
const WARMUP = 20;

interface Stats {
  median: number;
  p95: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: at(0.5), p95: at(0.95) };
}

/** The SmartEM baseline plus `extra` small follow-on migrations, in smartem-db's format. */
function ourFolder(extra: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'smartem-bench-'));
  cpSync(join(import.meta.dirname, '../drizzle'), dir, { recursive: true });
  let parent = readMigrationsFolder(dir).migrations.at(-1)!.id;
  for (let i = 0; i < extra; i++) {
    const id = `2026_12_01_${String(1000 + i).slice(-4)}-${String(i + 2).padStart(3, '0')}_extra_${i}`;
    mkdirSync(join(dir, id));
    writeFileSync(join(dir, id, 'up.sql'), `${renderHeader(id, parent, true, 'up')}ALTER TABLE "micrograph" ADD COLUMN "extra_${i}" integer;\n`);
    writeFileSync(join(dir, id, 'down.sql'), `${renderHeader(id, parent, true, 'down')}ALTER TABLE "micrograph" DROP COLUMN "extra_${i}";\n`);
    parent = id;
  }
  hash({ migrationsFolder: dir });
  return dir;
}

/** The same migrations in drizzle-kit's folder format (meta/_journal.json + NNNN_tag.sql). */
function drizzleFolder(from: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'drizzle-bench-'));
  mkdirSync(join(dir, 'meta'));
  const { migrations } = readMigrationsFolder(from);
  const entries = migrations.map((m, idx) => {
    const tag = `${String(idx).padStart(4, '0')}_${m.description}`;
    const body = splitStatements(readFileSync(join(from, m.id, 'up.sql'), 'utf8'))
      .map((s) => s.sql)
      .join('\n--> statement-breakpoint\n');
    writeFileSync(join(dir, `${tag}.sql`), body);
    return { idx, version: '7', when: 1_700_000_000_000 + idx, tag, breakpoints: true };
  });
  writeFileSync(join(dir, 'meta/_journal.json'), JSON.stringify({ version: '7', dialect: 'postgresql', entries }));
  return dir;
}

async function withDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
  const name = `smartem_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(SERVER, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE "${name}"`);
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  try {
    return await work(url.toString());
  } finally {
    await admin.unsafe(`DROP DATABASE "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

async function compare(label: string, ours: () => Promise<unknown>, theirs: () => Promise<unknown>) {
  for (let i = 0; i < WARMUP; i++) {
    await ours();
    await theirs();
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    let t = performance.now();
    await ours();
    a.push(performance.now() - t);
    t = performance.now();
    await theirs();
    b.push(performance.now() - t);
  }
  const [s, d] = [stats(a), stats(b)];
  console.log(
    `${label.padEnd(46)} smartem-db ${s.median.toFixed(3).padStart(7)} ms (p95 ${s.p95.toFixed(3)})   ` +
      `drizzle-orm ${d.median.toFixed(3).padStart(7)} ms (p95 ${d.p95.toFixed(3)})   ratio ${(s.median / d.median).toFixed(2)}`,
  );
}

async function noOpMigrate(extra: number) {
  const ours = ourFolder(extra);
  const theirs = drizzleFolder(ours);
  try {
    await withDatabase(async (url) => {
      const client = postgres(url, { max: 4, onnotice: () => {} });
      const db = drizzle(client);
      try {
        // Both journals at head on the same database: drizzle applies, smartem-db stamps.
        await drizzleMigrate(db, { migrationsFolder: theirs });
        await stamp('head', { url, migrationsFolder: ours });
        const n = extra + 1;
        await compare(
          `migrate() no-op, ${n} migration${n > 1 ? 's' : ''}, app's pool`,
          () => migrate({ sql: client, migrationsFolder: ours }),
          () => drizzleMigrate(db, { migrationsFolder: theirs }),
        );
        await compare(
          `migrate() no-op, ${n} migration${n > 1 ? 's' : ''}, new connection`,
          () => migrate({ url, migrationsFolder: ours }),
          async () => {
            const c = postgres(url, { max: 1, onnotice: () => {} });
            await drizzleMigrate(drizzle(c), { migrationsFolder: theirs });
            await c.end();
          },
        );
      } finally {
        await client.end();
      }
    });
  } finally {
    rmSync(ours, { recursive: true, force: true });
    rmSync(theirs, { recursive: true, force: true });
  }
}

console.log(`smartem-db benchmarks: ${CALLS} calls each, medians; server ${new URL(SERVER).host}; ratio < 1 means smartem-db is faster.`);
await noOpMigrate(0);
await noOpMigrate(49);
