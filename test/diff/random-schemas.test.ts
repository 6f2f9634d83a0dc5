import fc from 'fast-check';
import { describe, it } from 'vitest';
import { ddl, schema } from '../support/random-schema.js';
import { checkRoundTrip } from './harness.js';

// Property: for any two schemas, the generated up migration turns the first into the second and
// the down migration turns it back (the same check as the case tables, on random pairs).

// PROPERTY_RUNS=1000 npm test -- random-schemas searches longer than CI does.
const runs = Number(process.env.PROPERTY_RUNS ?? 30);

describe('random pairs of schemas', () => {
  it.each([
    ['round-trip: up gives the target, down gives the start again', false],
    // The online forms (steps that commit on their own, CHECKs added and dropped around them) too.
    ['round-trip in the online forms', true],
  ])(
    '%s',
    // Each run builds two databases: on a busy machine (the suite runs files in parallel) that is seconds.
    { timeout: Math.max(180_000, runs * 4_000) },
    async (_name, online) => {
      await fc.assert(
        fc.asyncProperty(schema, schema, async (a, b) => {
          await checkRoundTrip(ddl(a), ddl(b), { online });
        }),
        // PROPERTY_SEED and PROPERTY_PATH (as a failure prints them) replay one counterexample.
        {
          numRuns: runs,
          endOnFailure: true,
          ...(process.env.PROPERTY_SEED
            ? { seed: Number(process.env.PROPERTY_SEED), path: process.env.PROPERTY_PATH }
            : {}),
        },
      );
    },
  );
});
