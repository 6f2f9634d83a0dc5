import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog/catalog.js';
import { introspect } from '../../src/catalog/introspect.js';
import { openServerSession } from '../../src/db/postgres-session.js';
import { inRolledBackTransaction } from '../../src/db/transaction.js';
import { modelScript } from '../../src/scratch/apply-model.js';
import { lineagePrefix, type ModelKeep } from '../../src/scratch/model-keep.js';
import { modelSite } from '../../src/scratch/model-state.js';
import { ScratchPool, type ScratchTarget } from '../../src/scratch/scratch-databases.js';
import { databaseUrl, query, serverUrl } from '../support/fresh-database.js';

// The model's database kept between runs and updated with only what changed (model-keep.ts):
// whatever the edits, its catalog must be the one a new database gives the same statements, and a
// kept database changed by hand must not be used.

const exclude = { excludeSchemas: ['smartem_db'] };
const tag = randomBytes(4).toString('hex');
const lineages: ModelKeep[] = [];
const newLineage = (): ModelKeep => {
  const keep = { code: `model-keep test ${tag}`, lineage: `${tag}-${lineages.length}` };
  lineages.push(keep);
  return keep;
};
const server = (): ScratchTarget => ({ kind: 'server', url: serverUrl(), source: 'the test server' });

afterAll(async () => {
  for (const keep of lineages) {
    const rows = await query<{ datname: string }>(
      serverUrl(),
      'SELECT datname FROM pg_database WHERE left(datname, $2) = $1',
      [lineagePrefix(keep), lineagePrefix(keep).length],
    );
    for (const r of rows) await query(serverUrl(), `DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
  }
});

/** The model's catalog as generate gets it with a kept model database, and whether the kept one was updated (not built anew). */
async function viaKept(keep: ModelKeep, statements: string[]): Promise<{ catalog: Catalog; updated: boolean }> {
  const pool = new ScratchPool(server());
  const phases: string[] = [];
  const timer = { time: <T>(phase: string, work: () => Promise<T>) => (phases.push(phase), work()) };
  try {
    const catalog = await modelSite(pool, null, { timer, keep }).catalog(statements, async () => null, exclude);
    return { catalog, updated: !phases.includes('model DDL') };
  } finally {
    await pool.close();
  }
}

/** What a new database gives: the statements on an empty one, rolled back. */
async function anew(statements: string[]): Promise<Catalog> {
  const pool = new ScratchPool(server());
  try {
    const empty = await pool.create();
    return await inRolledBackTransaction(empty, async () => {
      await empty.exec(modelScript(statements));
      return introspect(empty, exclude);
    });
  } finally {
    await pool.close();
  }
}

/** A model of a few tables, as drizzle-kit writes it: tables, then indexes, then foreign keys. */
type Model = { columns: string[]; indexed: boolean; parent: number | null; serial: boolean }[];

function statementsOf(model: Model): string[] {
  const tables = model.map((t, i) => {
    const columns = [
      t.serial ? '"id" serial PRIMARY KEY NOT NULL' : '"id" integer PRIMARY KEY NOT NULL',
      ...t.columns.map((c) => `"${c}" ${c === 'mood' ? '"mood"' : c === 'n' ? 'integer DEFAULT 0 NOT NULL' : 'text'}`),
      ...(t.parent !== null ? ['"parent_id" integer'] : []),
    ];
    return `CREATE TABLE "t${i}" (\n\t${columns.join(',\n\t')}\n);`;
  });
  const indexes = model.flatMap((t, i) =>
    t.indexed ? [`CREATE INDEX "ix_t${i}_id" ON "t${i}" USING btree ("id");`] : [],
  );
  const keys = model.flatMap((t, i) =>
    t.parent !== null && t.parent < model.length
      ? [
          `ALTER TABLE "t${i}" ADD CONSTRAINT "t${i}_parent_id_t${t.parent}_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."t${t.parent}"("id") ON DELETE no action ON UPDATE no action;`,
        ]
      : [],
  );
  return [`CREATE TYPE "public"."mood" AS ENUM('sad', 'ok');`, ...tables, ...indexes, ...keys];
}

const modelArb = fc.array(
  fc.record({
    columns: fc.subarray(['name', 'mood', 'n', 'note']),
    indexed: fc.boolean(),
    parent: fc.option(fc.nat(5), { nil: null }),
    serial: fc.boolean(),
  }),
  { minLength: 1, maxLength: 6 },
);

describe('the kept model database', () => {
  it('for random edits of a model, updating the kept database gives what a new database gives', async () => {
    let updated = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(modelArb, { minLength: 2, maxLength: 4 }), async (models) => {
        const keep = newLineage();
        for (const model of models) {
          const statements = statementsOf(model);
          const kept = await viaKept(keep, statements);
          if (kept.updated) updated++;
          expect(kept.catalog).toEqual(await anew(statements));
        }
      }),
      { numRuns: 12 },
    );
    // The property said something about updates, not only about building anew.
    expect(updated).toBeGreaterThan(10);
  }, 120_000);

  it('a kept database changed by hand is built anew; one that is gone too', async () => {
    const keep = newLineage();
    const model: Model = [
      { columns: ['name'], indexed: true, parent: null, serial: false },
      { columns: ['note'], indexed: false, parent: 0, serial: true },
    ];
    expect((await viaKept(keep, statementsOf(model))).updated).toBe(false);
    const edited: Model = [model[0]!, { ...model[1]!, columns: ['note', 'n'] }];
    expect(await viaKept(keep, statementsOf(edited))).toEqual({
      catalog: await anew(statementsOf(edited)),
      updated: true,
    });

    // An index added by hand to the table the next edit leaves alone.
    const [kept] = await query<{ datname: string }>(
      serverUrl(),
      'SELECT datname FROM pg_database WHERE left(datname, $2) = $1',
      [lineagePrefix(keep), lineagePrefix(keep).length],
    );
    await query(serverUrl(), `ALTER DATABASE "${kept!.datname}" ALLOW_CONNECTIONS true`);
    const byHand = await openServerSession(databaseUrl(kept!.datname), { source: 'the test' });
    await byHand.exec('CREATE INDEX by_hand ON t0 (name)');
    await byHand.close();
    await query(serverUrl(), `ALTER DATABASE "${kept!.datname}" ALLOW_CONNECTIONS false`);
    const again: Model = [model[0]!, { ...model[1]!, columns: ['n'] }];
    expect(await viaKept(keep, statementsOf(again))).toEqual({
      catalog: await anew(statementsOf(again)),
      updated: false,
    });
    // Kept anew, right: the next edit updates it again.
    expect(await viaKept(keep, statementsOf(model))).toEqual({
      catalog: await anew(statementsOf(model)),
      updated: true,
    });

    const rows = await query<{ datname: string }>(
      serverUrl(),
      'SELECT datname FROM pg_database WHERE left(datname, $2) = $1',
      [lineagePrefix(keep), lineagePrefix(keep).length],
    );
    for (const r of rows) await query(serverUrl(), `DROP DATABASE "${r.datname}"`);
    expect(await viaKept(keep, statementsOf(edited))).toEqual({
      catalog: await anew(statementsOf(edited)),
      updated: false,
    });
  }, 60_000);
});
