import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check, migrate, status } from '../../src/api.js';
import { query, serverUrl } from '../support/fresh-database.js';
import { postgresBinDir, startStandbyPair } from '../support/private-cluster.js';
import { ROOT } from '../support/spawn.js';

const migrationsFolder = join(ROOT, 'drizzle');

describe.skipIf(!postgresBinDir())('a hot standby', () => {
  let pair: Awaited<ReturnType<typeof startStandbyPair>>;
  beforeAll(async () => {
    pair = await startStandbyPair();
  });
  afterAll(() => pair?.stop());

  it('is read by status and check, and refused for migrating with a message that names the primary', async () => {
    // Nothing applied yet: migrating the standby is refused before anything is tried.
    await expect(migrate({ url: pair.standby, migrationsFolder })).rejects.toMatchObject({
      code: 'READ_ONLY_DATABASE',
      message: expect.stringContaining(
        'is a hot standby (in recovery, read-only): migrations can only be applied on the primary',
      ),
    });
    await migrate({ url: pair.primary, migrationsFolder });
    // Wait until the standby has replayed the primary's migrations.
    const lsn = (await query<{ lsn: string }>(pair.primary, 'select pg_current_wal_lsn()::text as lsn'))[0]!.lsn;
    for (let i = 0; i < 100; i++) {
      const [r] = await query<{ done: boolean }>(
        pair.standby,
        'select pg_last_wal_replay_lsn() >= $1::pg_lsn as done',
        [lsn],
      );
      if (r?.done) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await status({ url: pair.standby, migrationsFolder })).pending).toBe(0);
    // Nothing pending: migrate() at an application replica's start only reads, and succeeds.
    expect((await migrate({ url: pair.standby, migrationsFolder })).ran).toEqual([]);
    const report = await check({
      db: pair.standby,
      migrationsFolder,
      schema: join(ROOT, 'schema/index.ts'),
      shadowDatabaseUrl: serverUrl(),
    });
    expect(report.model.ok).toBe(true);
    expect(report.database).toMatchObject({ ok: true, drift: [] });
  });
});
