// A backfill on a primary with a hot standby that replays slower than the primary writes (its
// replay paused for 300 ms of every 500, as a standby on slower disks or busy with queries is):
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
import { backfill } from '../src/render/render-online.js';
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
async function sampled(primaryUrl: string, run: () => Promise<unknown>): Promise<Outcome> {
  const primary = postgres(primaryUrl, { max: 1, onnotice: () => {} });
  const history: { at: number; lsn: bigint }[] = [];
  let maxLag = 0;
  let running = true;
  const sampler = (async () => {
    while (running) {
      const [row] = await primary<{ now: string; replay: string | null }[]>`
        select pg_current_wal_lsn()::text as now, (select min(replay_lsn)::text from pg_stat_replication) as replay`;
      const at = Date.now();
      history.push({ at, lsn: lsn(row!.now) });
      const replayed = row!.replay ? lsn(row!.replay) : undefined;
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
    await primary.end();
  }
  return { migrateMs: performance.now() - started, maxLagS: maxLag };
}

/** Pauses the standby's replay for 300 ms of every 500 until stopped. */
function slowReplay(standbyUrl: string): { stop: () => Promise<void> } {
  const standby = postgres(standbyUrl, { max: 1, onnotice: () => {} });
  let running = true;
  const loop = (async () => {
    while (running) {
      await standby`select pg_wal_replay_pause()`;
      await new Promise((r) => setTimeout(r, 300));
      await standby`select pg_wal_replay_resume()`;
      await new Promise((r) => setTimeout(r, 200));
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

export async function benchReplicaLag(): Promise<void> {
  if (!postgresBinDir()) {
    console.log('backfill with a hot standby: skipped (no PostgreSQL server binaries to start one)');
    return;
  }
  const rows = Number(process.env.BENCH_REPLICA_ROWS ?? 1_000_000);
  const results: Record<string, Outcome> = {};
  for (const [mode, limitMs] of [
    ['throttled (limit 1 s)', 1000],
    ['unthrottled', 3_600_000],
  ] as const) {
    const pair = await startStandbyPair();
    const folder = folderWith(rows);
    try {
      await migrate({ url: pair.primary, migrationsFolder: folder, to: '001' });
      const slow = slowReplay(pair.standby);
      try {
        results[mode] = await sampled(pair.primary, () =>
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
    `backfill of ${rows.toLocaleString('en')} rows, hot standby replaying 2/5 of the time: ` +
      `throttled (limit 1 s): migrate ${(on.migrateMs / 1000).toFixed(1)} s, standby at most ${on.maxLagS.toFixed(2)} s behind   ` +
      `unthrottled: migrate ${(off.migrateMs / 1000).toFixed(1)} s, standby at most ${off.maxLagS.toFixed(2)} s behind   ` +
      `lag ratio ${(on.maxLagS / off.maxLagS).toFixed(3)}`,
  );
}
