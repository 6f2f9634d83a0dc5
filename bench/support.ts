import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';

export const SERVER =
  process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface Stats {
  median: number;
  p95: number;
}

export function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: at(0.5), p95: at(0.95) };
}

export async function withDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
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

/**
 * The medians of `calls` CREATE DATABASE and DROP DATABASE of an empty database on the server,
 * now: the least a command pays that makes a scratch database there (the disk and the server's
 * recent drops set it, not smartem-db).
 */
export async function databaseLifeMs(calls = 5): Promise<{ create: number; drop: number }> {
  const admin = postgres(SERVER, { max: 1, onnotice: () => {} });
  const create: number[] = [];
  const drop: number[] = [];
  try {
    for (let i = 0; i < calls; i++) {
      const name = `smartem_bench_${randomBytes(4).toString('hex')}`;
      let t = performance.now();
      await admin.unsafe(`CREATE DATABASE "${name}"`);
      create.push(performance.now() - t);
      t = performance.now();
      await admin.unsafe(`DROP DATABASE "${name}"`);
      drop.push(performance.now() - t);
    }
  } finally {
    await admin.end();
  }
  return { create: stats(create).median, drop: stats(drop).median };
}

/**
 * Times `ours` and `theirs` alternately, `calls` times each after `warmup` rounds, and prints both
 * medians and their ratio (ours / theirs: below 1 means smartem-db is faster).
 */
export async function compare(
  label: string,
  ours: () => Promise<unknown>,
  theirs: () => Promise<unknown>,
  calls: number,
  warmup = 2,
  /** Untimed work before each call (putting back what the last call wrote). */
  before: { ours?: () => unknown; theirs?: () => unknown } = {},
): Promise<number> {
  for (let i = 0; i < warmup; i++) {
    await before.ours?.();
    await ours();
    await before.theirs?.();
    await theirs();
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < calls; i++) {
    await before.ours?.();
    let t = performance.now();
    await ours();
    a.push(performance.now() - t);
    await before.theirs?.();
    t = performance.now();
    await theirs();
    b.push(performance.now() - t);
  }
  const [s, d] = [stats(a), stats(b)];
  const ratio = s.median / d.median;
  console.log(
    `${label.padEnd(58)} smartem-db ${fmt(s.median)} (p95 ${fmt(s.p95)})   peer ${fmt(d.median)} (p95 ${fmt(d.p95)})   ratio ${ratio.toFixed(2)}`,
  );
  return ratio;
}

function fmt(ms: number): string {
  return ms < 10 ? `${ms.toFixed(3)} ms` : `${ms.toFixed(0)} ms`;
}

/**
 * Runs a command to completion (for whole-process comparisons); throws if it fails, or if its
 * output does not match `expect` (drizzle-kit reports some failures, such as a snapshot it cannot
 * read, with exit code 0: a peer that failed fast would be measured as fast).
 */
export function runCommand(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; expect?: RegExp } = {},
): void {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', options.expect ? 'pipe' : 'ignore', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${result.stdout?.toString() ?? ''}${result.stderr.toString()}`;
  if (result.status !== 0 || (options.expect && (!options.expect.test(output) || /\bError\b/.test(output)))) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${output.slice(0, 2000)}`);
  }
}

/**
 * The peak resident memory of a Node command, in MB: the process reports its own maxRSS as it
 * exits (a preload given through NODE_OPTIONS), so what Node and WebAssembly hold is counted, and
 * children it spawns (esbuild's service) are not, for either tool.
 */
export function peakMemoryMb(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; expect?: RegExp } = {},
): number {
  const dir = mkdtempSync(join(tmpdir(), 'bench-peak-'));
  try {
    const preload = join(dir, 'peak.cjs');
    const out = join(dir, 'peak.txt');
    writeFileSync(
      preload,
      `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, String(process.resourceUsage().maxRSS)));\n`,
    );
    const env = options.env ?? process.env;
    runCommand(process.execPath, args, {
      ...options,
      env: { ...env, NODE_OPTIONS: `${env.NODE_OPTIONS ?? ''} --require ${preload}`.trim() },
    });
    return Math.round(Number(readFileSync(out, 'utf8')) / 1024);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
