import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ScratchPool } from '../../src/scratch/scratch-databases.js';
import { query, serverUrl } from '../support/fresh-database.js';

const leftovers = () =>
  query<{ datname: string }>(serverUrl(), 'SELECT datname FROM pg_database WHERE datname LIKE $1', [
    `smartem\\_scratch\\_${process.pid}\\_%`,
  ]);

describe('scratch databases', () => {
  it('closed while some are still being made (the command failed meanwhile): none outlives the pool', async () => {
    const pool = new ScratchPool({ kind: 'server', url: serverUrl(), source: 'the test server' });
    const made = await pool.create();
    // Not awaited, as a command that fails elsewhere leaves them.
    const making = [pool.create(), pool.create(), pool.takeKept([`smartem_replay_none_${process.pid}_${Date.now()}`])];
    await pool.close();
    const settled = await Promise.allSettled(making);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect((settled[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'SCRATCH_FAILED' });
    await expect(made.query('SELECT 1')).rejects.toThrow();
    expect(await leftovers()).toEqual([]);
    // And one asked for after close() is refused at once.
    await expect(pool.create()).rejects.toMatchObject({ code: 'SCRATCH_FAILED' });
    expect(await leftovers()).toEqual([]);
  });

  it('takes the newest kept database of a prefix (its comment says when it was kept), and keeps it again under a new name', async () => {
    const prefix = `smartem_model_test${randomBytes(4).toString('hex')}_`;
    const at = (day: number) => new Date(Date.UTC(2026, 0, day)).toISOString();
    const kept = [
      { name: `${prefix}a`, at: at(2) },
      { name: `${prefix}b`, at: at(9) },
      { name: `${prefix}c`, at: at(5) },
    ];
    const pool = new ScratchPool({ kind: 'server', url: serverUrl(), source: 'the test server' });
    try {
      for (const k of kept) {
        await query(serverUrl(), `CREATE DATABASE "${k.name}"`);
        await query(serverUrl(), `COMMENT ON DATABASE "${k.name}" IS 'test, kept ${k.at}\nmore'`);
      }
      const taken = await pool.takeKept({ prefix });
      expect(taken?.comment).toBe(`test, kept ${at(9)}\nmore`);
      pool.keepAtClose(taken!.session, `${prefix}d`, []);
      await pool.close();
      const left = await query<{ datname: string }>(
        serverUrl(),
        'SELECT datname FROM pg_database WHERE left(datname, $2) = $1 ORDER BY 1',
        [prefix, prefix.length],
      );
      expect(left.map((r) => r.datname)).toEqual([`${prefix}a`, `${prefix}c`, `${prefix}d`]);
    } finally {
      await pool.close();
      for (const name of ['a', 'b', 'c', 'd']) await query(serverUrl(), `DROP DATABASE IF EXISTS "${prefix}${name}"`);
    }
  });
});
