import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scratchTemplatePath } from '../../src/db/pglite-session.js';
import { withScratchDatabases } from '../../src/scratch/scratch-databases.js';

describe('embedded scratch databases', () => {
  it('boot from a kept copy of an empty data directory, and a damaged copy is made again', async () => {
    const template = scratchTemplatePath();
    writeFileSync(template, 'not a data directory');
    const read = await withScratchDatabases({ kind: 'embedded' }, 2, async ([a, b]) => {
      await a!.exec('CREATE TABLE t (n int); INSERT INTO t VALUES (1)');
      // Two instances, two databases: what one does the other does not see.
      const seen = await b!.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_class WHERE relname = 't'");
      return [(await a!.query<{ n: number }>('SELECT n FROM t'))[0]!.n, seen[0]!.n];
    });
    expect(read).toEqual([1, 0]);
    // Made again from a fresh boot: a tar of the data directory, tens of megabytes.
    expect(statSync(template).size).toBeGreaterThan(1_000_000);
    expect(readFileSync(template).subarray(257, 262).toString()).toBe('ustar');
    const again = await withScratchDatabases({ kind: 'embedded' }, 1, async ([a]) =>
      a!.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_class WHERE relname = 't'"),
    );
    expect(again).toEqual([{ n: 0 }]);
  });
});
