import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { markLongLived } from '../../src/config/process-lifetime.js';
import { holdsEmbeddedModel } from '../../src/scratch/model-keep.js';
import { ScratchPool } from '../../src/scratch/scratch-databases.js';
import { anew, modelArb, statementsOf, viaKept } from '../support/model-edits.js';

// Without a server, the CLI's daemon (a long-lived process) holds the model's in-memory PGlite
// database for its next command and updates it with what changed: the same as a new one gives.
// This file's process plays the daemon.
markLongLived();

describe('the kept model database, embedded in a long-lived process', () => {
  it('for random edits of a model, updating the held database gives what a new database gives', async () => {
    let updated = 0;
    const pool = new ScratchPool({ kind: 'embedded' });
    try {
      const empty = await pool.create();
      await fc.assert(
        fc.asyncProperty(fc.array(modelArb, { minLength: 2, maxLength: 4 }), async (models) => {
          // Another lineage each run: the held one is not this run's, so the first model is built anew.
          const keep = { code: 'embedded test', lineage: `${Math.random()}` };
          for (const [i, model] of models.entries()) {
            const statements = statementsOf(model);
            const kept = await viaKept({ kind: 'embedded' }, keep, statements);
            if (i === 0) expect(kept.updated).toBe(false);
            if (kept.updated) updated++;
            expect(kept.catalog).toEqual(await anew(empty, statements));
            expect(holdsEmbeddedModel()).toBe(true);
          }
        }),
        { numRuns: 5 },
      );
    } finally {
      await pool.close();
    }
    expect(updated).toBeGreaterThan(3);
  }, 120_000);
});
