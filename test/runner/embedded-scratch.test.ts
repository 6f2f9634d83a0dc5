import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEmbeddedSession } from '../../src/db/pglite-session.js';

describe('embedded scratch databases', () => {
  it('boot from a kept copy of an empty data directory, and a damaged copy is made again', async () => {
    // A copy of this test's own: other test files boot from the shared one meanwhile.
    const dir = mkdtempSync(join(tmpdir(), 'smartem-template-'));
    const template = join(dir, 'empty.tar');
    try {
      writeFileSync(template, 'not a data directory');
      const [a, b] = await Promise.all([
        openEmbeddedSession(undefined, { template }),
        openEmbeddedSession(undefined, { template }),
      ]);
      try {
        await a.exec('CREATE TABLE t (n int); INSERT INTO t VALUES (1)');
        // Two instances, two databases: what one does the other does not see.
        expect(await a.query('SELECT n FROM t')).toEqual([{ n: 1 }]);
        expect(await b.query("SELECT count(*)::int AS n FROM pg_class WHERE relname = 't'")).toEqual([{ n: 0 }]);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
      // Made again from a fresh boot: a tar of the data directory, megabytes.
      expect(statSync(template).size).toBeGreaterThan(1_000_000);
      expect(readFileSync(template).subarray(257, 262).toString()).toBe('ustar');
      const again = await openEmbeddedSession(undefined, { template });
      try {
        expect(await again.query("SELECT count(*)::int AS n FROM pg_class WHERE relname = 't'")).toEqual([{ n: 0 }]);
        // Without the templates PGlite never uses: its database alone, so less to load.
        expect(await again.query('SELECT datname FROM pg_database')).toEqual([{ datname: 'postgres' }]);
      } finally {
        await again.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
