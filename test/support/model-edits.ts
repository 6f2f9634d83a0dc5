import fc from 'fast-check';
import type { Catalog } from '../../src/catalog/catalog.js';
import { introspect } from '../../src/catalog/introspect.js';
import type { DbSession } from '../../src/db/session.js';
import { inRolledBackTransaction } from '../../src/db/transaction.js';
import { modelScript } from '../../src/scratch/apply-model.js';
import type { ModelKeep } from '../../src/scratch/model-keep.js';
import { modelSite } from '../../src/scratch/model-state.js';
import { ScratchPool, type ScratchTarget } from '../../src/scratch/scratch-databases.js';

// Models as drizzle-kit writes them, edited at random, for the kept model database's tests
// (model-keep.ts): updated with what changed, it must give what a new database gives.

export const exclude = { excludeSchemas: ['smartem_db'] };

/** The model's catalog as generate gets it with a kept model database, and whether the kept one was updated (not built anew). */
export async function viaKept(
  target: ScratchTarget,
  keep: ModelKeep,
  statements: string[],
): Promise<{ catalog: Catalog; updated: boolean }> {
  const pool = new ScratchPool(target);
  const phases: string[] = [];
  const timer = { time: <T>(phase: string, work: () => Promise<T>) => (phases.push(phase), work()) };
  try {
    const catalog = await modelSite(pool, null, { timer, keep }).catalog(statements, async () => null, exclude);
    return { catalog, updated: !phases.includes('model DDL') };
  } finally {
    await pool.close();
  }
}

/** What a new database gives: the statements on `empty`, an empty database, rolled back. */
export function anew(empty: DbSession, statements: string[]): Promise<Catalog> {
  return inRolledBackTransaction(empty, async () => {
    await empty.exec(modelScript(statements));
    return introspect(empty, exclude);
  });
}

/** A model of a few tables, as drizzle-kit writes them: its enum, tables, then indexes, then foreign keys. */
export type Model = {
  moods: string[];
  tables: { columns: string[]; indexed: boolean; parent: number | null; serial: boolean }[];
};

export function statementsOf({ moods, tables: model }: Model): string[] {
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
  const mood = `CREATE TYPE "public"."mood" AS ENUM(${moods.map((m) => `'${m}'`).join(', ')});`;
  return [mood, ...tables, ...indexes, ...keys];
}

export const modelArb: fc.Arbitrary<Model> = fc.record({
  moods: fc.constantFrom(['sad', 'ok'], ['sad', 'ok', 'happy'], ['ok', 'sad']),
  tables: fc.array(
    fc.record({
      columns: fc.subarray(['name', 'mood', 'n', 'note']),
      indexed: fc.boolean(),
      parent: fc.option(fc.nat(5), { nil: null }),
      serial: fc.boolean(),
    }),
    { minLength: 1, maxLength: 6 },
  ),
});
