// A backfill on a primary with a hot standby that replays slower than the primary writes (its
// replay paused for 160 ms of every 200, so that it replays a fifth as fast as the primary writes, as a
// standby on slower disks or busy with queries may):
// the same migration with the replica lag limit (--max-replica-lag, default 1 s) and without it
// (a limit of an hour). What counts is how far the standby falls behind, in seconds of the
// primary's commits, sampled every 100 ms. Set BENCH_REPLICA_ROWS to change the table's size.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { migrate } from '../src/api.js';
import { renderHeader } from '../src/migrations/migration-header.js';
import { rehashMigrationsFolder } from '../src/migrations/migration-folder.js';
import { backfill } from '../src/render/batches.js';
import { postgresBinDir, startStandbyPair } from '../test/support/private-cluster.js';

interface Outcome {
  migrateMs: number;
  /** The standby's longest lag, in seconds of the primary's commits. */
  maxLagS: number;
}

function folderWith(rows: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'smartem-bench-replica-'));
  const write = (id: string, parent: string | null, up: string, transactional: boolean) => {
    mkdirSync(join(dir, id));
    writeFileSync(join(dir, id, 'up.sql'), renderHeader(id, parent, transactional, 'up') + up);
    writeFileSync(join(dir, id, 'down.sql'), renderHeader(id, parent, true, 'down'));
  };
  const table = '2026_01_01_0000-001_reading';
  write(
    table,
    null,
    `create table reading (id int primary key, token uuid, note text);\ninsert into reading select i, null, repeat('x', 60) from generate_series(1, ${rows}) i;\n`,
    true,
  );
  write(
    '2026_01_01_0000-002_fill',
    table,
    `${backfill('"public"."reading"', '"token"', 'gen_random_uuid()', 'public.reading.token')};\n`,
    false,
  );
  rehashMigrationsFolder(dir);
  return dir;
}

/** A WAL position ('16/B374D848') as a number. */
const lsn = (text: string): bigint => {
  const [hi, lo] = text.split('/') as [string, string];
  return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
};

/**
 * Samples the standby's lag every 100 ms while `run` runs: how long ago the primary wrote the
 * oldest position the standby has not replayed.
 */
async function sampled(primaryUrl: string, standbyUrl: string, run: () => Promise<unknown>): Promise<Outcome> {
  const primary = postgres(primaryUrl, { max: 1, onnotice: () => {} });
  // The standby's own word: what the primary's pg_stat_replication shows is as old as its last report.
  const standby = postgres(standbyUrl, { max: 1, onnotice: () => {} });
  const history: { at: number; lsn: bigint }[] = [];
  let maxLag = 0;
  let running = true;
  const sampler = (async () => {
    while (running) {
      const [row] = await primary<{ now: string }[]>`select pg_current_wal_lsn()::text as now`;
      const [seen] = await standby<{ replay: string | null }[]>`select pg_last_wal_replay_lsn()::text as replay`;
      const at = Date.now();
      history.push({ at, lsn: lsn(row!.now) });
      const replayed = seen!.replay ? lsn(seen!.replay) : undefined;
      const oldest = replayed === undefined ? undefined : history.find((h) => h.lsn > replayed);
      if (oldest) maxLag = Math.max(maxLag, (at - oldest.at) / 1000);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const started = performance.now();
  try {
    await run();
  } finally {
    running = false;
    await sampler;
    await Promise.all([primary.end(), standby.end()]);
  }
  return { migrateMs: performance.now() - started, maxLagS: maxLag };
}

/** Pauses the standby's replay for 160 ms of every 200 until stopped. */
function slowReplay(standbyUrl: string): { stop: () => Promise<void> } {
  const standby = postgres(standbyUrl, { max: 1, onnotice: () => {} });
  let running = true;
  const loop = (async () => {
    while (running) {
      await standby`select pg_wal_replay_pause()`;
      await new Promise((r) => setTimeout(r, 160));
      await standby`select pg_wal_replay_resume()`;
      await new Promise((r) => setTimeout(r, 40));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      await standby`select pg_wal_replay_resume()`;
      await standby.end();
    },
  };
}

/** Waits until the standby has replayed all the primary has written (the table's load, say). */
async function caughtUp(primaryUrl: string): Promise<void> {
  const primary = postgres(primaryUrl, { max: 1, onnotice: () => {} });
  try {
    for (;;) {
      const [row] = await primary<{ done: boolean }[]>`
        select coalesce((select min(replay_lsn) from pg_stat_replication) >= pg_current_wal_lsn(), false) as done`;
      if (row!.done) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await primary.end();
  }
}

export async function benchReplicaLag(): Promise<void> {
  if (!postgresBinDir()) {
    console.log('backfill with a hot standby: skipped (no PostgreSQL server binaries to start one)');
    return;
  }
  const rows = Number(process.env.BENCH_REPLICA_ROWS ?? 2_000_000);
  const results: Record<string, Outcome> = {};
  for (const [mode, limitMs] of [
    ['throttled (limit 1 s)', 1000],
    ['unthrottled', 3_600_000],
  ] as const) {
    const pair = await startStandbyPair();
    const folder = folderWith(rows);
    try {
      await migrate({ url: pair.primary, migrationsFolder: folder, to: '001' });
      await caughtUp(pair.primary);
      const slow = slowReplay(pair.standby);
      try {
        results[mode] = await sampled(pair.primary, pair.standby, () =>
          migrate({ url: pair.primary, migrationsFolder: folder, maxReplicaLagMs: limitMs }),
        );
      } finally {
        await slow.stop();
      }
    } finally {
      pair.stop();
      rmSync(folder, { recursive: true, force: true });
    }
  }
  const on = results['throttled (limit 1 s)']!;
  const off = results.unthrottled!;
  console.log(
    `backfill of ${rows.toLocaleString('en')} rows, hot standby replaying 1/5 of the time: ` +
      `throttled (limit 1 s): migrate ${(on.migrateMs / 1000).toFixed(1)} s, standby at most ${on.maxLagS.toFixed(2)} s behind   ` +
      `unthrottled: migrate ${(off.migrateMs / 1000).toFixed(1)} s, standby at most ${off.maxLagS.toFixed(2)} s behind   ` +
      `lag ratio ${(on.maxLagS / off.maxLagS).toFixed(3)}`,
  );
}
