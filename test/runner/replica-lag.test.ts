import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/api.js';
import type { Logger } from '../../src/migrations/logger.js';
import { backfill } from '../../src/render/batches.js';
import { query } from '../support/fresh-database.js';
import { writeMigrations } from '../support/migrations-dir.js';
import { postgresBinDir, startStandbyPair } from '../support/private-cluster.js';

const rowsLeft = async (url: string) =>
  (await query<{ n: number }>(url, 'select count(*)::int as n from reading where token is null'))[0]!.n;

describe.skipIf(!postgresBinDir())('a backfill on a primary with a hot standby', () => {
  let pair: Awaited<ReturnType<typeof startStandbyPair>>;
  beforeAll(async () => {
    pair = await startStandbyPair();
  }, 60_000);
  afterAll(() => pair?.stop());

  it('waits between batches while the standby is behind, says so, and goes on once it has caught up', async () => {
    const folder = () =>
      writeMigrations([
        {
          name: 'reading',
          up: 'create table reading (id int primary key, token uuid); insert into reading select i from generate_series(1, 400000) i;',
        },
        {
          name: 'fill',
          transaction: false,
          up: `${backfill('"public"."reading"', '"token"', 'gen_random_uuid()', 'public.reading.token')};`,
          down: 'update reading set token = null;',
        },
      ]);
    await migrate({ url: pair.primary, migrationsFolder: folder(), to: '001' });
    // The standby stops replaying: everything the backfill commits from now on stays unreplayed there.
    await query(pair.standby, 'select pg_wal_replay_pause()');
    const beats: string[] = [];
    const logger: Logger = { info: () => {}, warn: () => {}, heartbeat: (m) => beats.push(m) };
    let finished = false;
    const running = migrate({ url: pair.primary, migrationsFolder: folder(), logger, maxReplicaLagMs: 200 }).finally(
      () => (finished = true),
    );
    try {
      await expect
        .poll(() => beats.some((b) => b.includes('waiting: a standby is more than 0.2 s behind')), {
          timeout: 20_000,
        })
        .toBe(true);
      // Held back: a second later it has not finished, and rows are still to fill.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(finished).toBe(false);
      expect(await rowsLeft(pair.primary)).toBeGreaterThan(0);
    } finally {
      await query(pair.standby, 'select pg_wal_replay_resume()');
    }
    const result = await running;
    expect(result.ran.map((r) => r.id)).toEqual([expect.stringMatching(/-002_fill$/)]);
    expect(await rowsLeft(pair.primary)).toBe(0);
  });
});
