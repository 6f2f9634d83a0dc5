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
});
