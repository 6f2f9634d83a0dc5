import { describe, expect, it } from 'vitest';
import { offlineSql } from '../../src/api.js';
import { acquisitionChain } from '../fixtures/acquisition-chain.js';
import { migrationId, writeMigrations } from '../support/migrations-dir.js';

const ids = acquisitionChain.map((m, i) => migrationId(i + 1, m.name));
const order = (sql: string, verb: 'Applying' | 'Rolling back') =>
  [...sql.matchAll(new RegExp(`^-- ${verb} (\\S+)`, 'gm'))].map((m) => m[1]);

describe('offlineSql() without a database (--sql --from)', () => {
  it('plans an upgrade like migrate(): from a migration, up to +N', async () => {
    const migrationsFolder = writeMigrations(acquisitionChain);
    expect(order(await offlineSql({ migrationsFolder, direction: 'up', from: 'base' }), 'Applying')).toEqual(ids);
    expect(order(await offlineSql({ migrationsFolder, direction: 'up', from: '001', to: '+1' }), 'Applying')).toEqual([
      ids[1],
    ]);
  });

  it('plans a downgrade like rollback(): newest first, keeping the target', async () => {
    const migrationsFolder = writeMigrations(acquisitionChain);
    const sql = await offlineSql({ migrationsFolder, direction: 'down', from: 'head', target: { to: '001' } });
    expect(order(sql, 'Rolling back')).toEqual([ids[2], ids[1]]);
    expect(sql).toContain(
      '-- transaction: no (each statement commits on its own)\nSET lock_timeout = 2000;\ndrop index concurrently',
    );
    expect(
      order(await offlineSql({ migrationsFolder, direction: 'down', from: 'head', target: 'base' }), 'Rolling back'),
    ).toEqual([...ids].reverse());
    await expect(
      offlineSql({ migrationsFolder, direction: 'down', from: '001', target: { to: '002' } }),
    ).rejects.toMatchObject({
      code: 'UNKNOWN_TARGET',
    });
  });
});
