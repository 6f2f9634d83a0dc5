import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { openServerSession } from '../../src/db/postgres-session.js';
import { lineagePrefix, type ModelKeep } from '../../src/scratch/model-keep.js';
import { ScratchPool, type ScratchTarget } from '../../src/scratch/scratch-databases.js';
import { databaseUrl, query, serverUrl } from '../support/fresh-database.js';
import { anew, modelArb, statementsOf, viaKept, type Model } from '../support/model-edits.js';

// On a server, the model's database kept between runs and updated with only what changed
// (model-keep.ts): whatever the edits, its catalog must be the one a new database gives the same
// statements, and a kept database changed by hand must not be used.

const tag = randomBytes(4).toString('hex');
const lineages: ModelKeep[] = [];
const newLineage = (): ModelKeep => {
  const keep = { code: `model-keep test ${tag}`, lineage: `${tag}-${lineages.length}` };
  lineages.push(keep);
  return keep;
};
const server = (): ScratchTarget => ({ kind: 'server', url: serverUrl(), source: 'the test server' });
const keptOf = (keep: ModelKeep) =>
  query<{ datname: string }>(serverUrl(), 'SELECT datname FROM pg_database WHERE left(datname, $2) = $1', [
    lineagePrefix(keep),
    lineagePrefix(keep).length,
  ]);

afterAll(async () => {
  for (const keep of lineages)
    for (const r of await keptOf(keep)) await query(serverUrl(), `DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
});

/** `work` with an empty scratch database on the server, to build models anew on (rolled back). */
async function withEmpty<T>(work: (empty: Awaited<ReturnType<ScratchPool['create']>>) => Promise<T>): Promise<T> {
  const pool = new ScratchPool(server());
  try {
    return await work(await pool.create());
  } finally {
    await pool.close();
  }
}

describe('the kept model database, on a server', () => {
  it('for random edits of a model, updating the kept database gives what a new database gives', async () => {
    let updated = 0;
    let enumsUpdated = 0;
    await withEmpty(async (empty) => {
      await fc.assert(
        fc.asyncProperty(fc.array(modelArb, { minLength: 2, maxLength: 4 }), async (models) => {
          const keep = newLineage();
          for (const [i, model] of models.entries()) {
            const statements = statementsOf(model);
            const kept = await viaKept(server(), keep, statements);
            if (kept.updated) updated++;
            if (kept.updated && i > 0 && models[i - 1]!.moods.join() !== model.moods.join()) enumsUpdated++;
            expect(kept.catalog).toEqual(await anew(empty, statements));
          }
        }),
        { numRuns: 12 },
      );
    });
    // The property said something about updates, not only about building anew, enums' among them.
    expect(updated).toBeGreaterThan(10);
    expect(enumsUpdated).toBeGreaterThan(2);
  }, 120_000);

  it('a kept database changed by hand is built anew; one that is gone too', async () => {
    const keep = newLineage();
    const first = { columns: ['name'], indexed: true, parent: null, serial: false };
    const second = { columns: ['note'], indexed: false, parent: 0, serial: true };
    const model: Model = { moods: ['sad', 'ok'], tables: [first, second] };
    const edited: Model = { ...model, tables: [first, { ...second, columns: ['note', 'n'] }] };
    const again: Model = { ...model, tables: [first, { ...second, columns: ['n'] }] };
    await withEmpty(async (empty) => {
      const right = (m: Model) => anew(empty, statementsOf(m));
      expect((await viaKept(server(), keep, statementsOf(model))).updated).toBe(false);
      expect(await viaKept(server(), keep, statementsOf(edited))).toEqual({
        catalog: await right(edited),
        updated: true,
      });

      // An index added by hand to the table the next edit leaves alone.
      const [kept] = await keptOf(keep);
      await query(serverUrl(), `ALTER DATABASE "${kept!.datname}" ALLOW_CONNECTIONS true`);
      const byHand = await openServerSession(databaseUrl(kept!.datname), { source: 'the test' });
      await byHand.exec('CREATE INDEX by_hand ON t0 (name)');
      await byHand.close();
      await query(serverUrl(), `ALTER DATABASE "${kept!.datname}" ALLOW_CONNECTIONS false`);
      expect(await viaKept(server(), keep, statementsOf(again))).toEqual({
        catalog: await right(again),
        updated: false,
      });
      // Kept anew, right: the next edit updates it again.
      expect(await viaKept(server(), keep, statementsOf(model))).toEqual({
        catalog: await right(model),
        updated: true,
      });

      for (const r of await keptOf(keep)) await query(serverUrl(), `DROP DATABASE "${r.datname}"`);
      expect(await viaKept(server(), keep, statementsOf(edited))).toEqual({
        catalog: await right(edited),
        updated: false,
      });
    });
  }, 60_000);
});
