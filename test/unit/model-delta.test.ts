import { describe, expect, it } from 'vitest';
import { emptyCatalog, type Catalog, type Table } from '../../src/catalog/catalog.js';
import { catalogTable } from '../support/catalog-table.js';
import {
  hasNumberedDefaultNames,
  modelDelta,
  parseModelStatement,
  sameOutsideTouched,
} from '../../src/scratch/model-delta.js';

// The statement-level delta that updates a kept model database: which tables it makes again,
// and when it refuses (the caller then builds the model on a new database).

const table = (name: string, columns = '"id" integer PRIMARY KEY NOT NULL') =>
  `CREATE TABLE "${name}" (\n\t${columns}\n);`;
const index = (name: string, on: string) => `CREATE INDEX "${name}" ON "${on}" USING btree ("id");`;
const fk = (from: string, to: string) =>
  `ALTER TABLE "${from}" ADD CONSTRAINT "${from}_${to}_fk" FOREIGN KEY ("id") REFERENCES "public"."${to}"("id") ON DELETE no action ON UPDATE no action;`;

const base = [
  `CREATE TYPE "public"."mood" AS ENUM('sad', 'ok');`,
  table('acquisition'),
  table('grid'),
  table('gridsquare'),
  index('ix_grid', 'grid'),
  index('ix_gridsquare', 'gridsquare'),
  fk('grid', 'acquisition'),
  fk('gridsquare', 'grid'),
];

describe('modelDelta', () => {
  it('reads the tables of drizzle-kit statements, qualified or not', () => {
    expect(parseModelStatement(table('grid'))).toEqual({ kind: 'table', table: 'public.grid' });
    expect(parseModelStatement(`CREATE TABLE "em"."grid" (\n\t"id" integer\n);`)).toEqual({
      kind: 'table',
      table: 'em.grid',
    });
    expect(parseModelStatement(`CREATE UNIQUE INDEX "u" ON "em"."grid" USING btree ("id");`)).toEqual({
      kind: 'index',
      table: 'em.grid',
    });
    expect(parseModelStatement(fk('gridsquare', 'grid'))).toEqual({
      kind: 'foreign',
      table: 'public.gridsquare',
      references: 'public.grid',
    });
    expect(parseModelStatement('CREATE VIEW "v" AS (select 1);')).toBeNull();
    // Two statements in one: not one of ours.
    expect(parseModelStatement(`${table('a')} DROP TABLE "b";`)).toBeNull();
  });

  it('nothing changed: nothing to do', () => {
    expect(modelDelta(base, base)).toEqual({ touched: new Set(), types: new Set(), drops: [], runs: [] });
  });

  it('a changed table is made again with its indexes and every foreign key from or to it', () => {
    const after = base.map((s) =>
      s === table('grid') ? table('grid', '"id" integer PRIMARY KEY NOT NULL,\n\t"note" text') : s,
    );
    const delta = modelDelta(base, after)!;
    expect([...delta.touched]).toEqual(['public.grid']);
    expect(delta.drops).toEqual(['DROP TABLE IF EXISTS "public"."grid" CASCADE;']);
    expect(delta.runs).toEqual([
      after[2],
      index('ix_grid', 'grid'),
      fk('grid', 'acquisition'),
      fk('gridsquare', 'grid'),
    ]);
  });

  it('a new table, a removed one, a new index and a new foreign key', () => {
    const added = [...base, table('micrograph'), fk('micrograph', 'gridsquare')];
    const delta = modelDelta(base, added)!;
    expect([...delta.touched]).toEqual(['public.micrograph']);
    expect(delta.drops).toEqual([]);
    expect(delta.runs).toEqual([table('micrograph'), fk('micrograph', 'gridsquare')]);

    const removed = modelDelta(added, base)!;
    expect(removed.drops).toEqual(['DROP TABLE IF EXISTS "public"."micrograph" CASCADE;']);
    expect(removed.runs).toEqual([]);

    // In the new list's order: drizzle-kit's, foreign keys last (model-ddl.ts).
    const withIndex = modelDelta(base, [
      ...base.slice(0, 6),
      index('ix_acquisition', 'acquisition'),
      ...base.slice(6),
    ])!;
    expect([...withIndex.touched]).toEqual(['public.acquisition']);
    expect(withIndex.runs).toEqual([
      table('acquisition'),
      index('ix_acquisition', 'acquisition'),
      fk('grid', 'acquisition'),
    ]);
  });

  it('a changed enum is made again, after the tables that use it are dropped and before they come back', () => {
    const withMood = base.map((s) =>
      s === table('grid') ? table('grid', '"id" integer PRIMARY KEY NOT NULL,\n\t"mood" "mood"') : s,
    );
    const happier = withMood.map((s, i) =>
      i === 0 ? `CREATE TYPE "public"."mood" AS ENUM('sad', 'ok', 'happy');` : s,
    );
    const delta = modelDelta(withMood, happier)!;
    expect([...delta.types]).toEqual(['public.mood']);
    expect([...delta.touched]).toEqual(['public.grid']);
    expect(delta.drops).toEqual([
      'DROP TABLE IF EXISTS "public"."grid" CASCADE;',
      'DROP TYPE IF EXISTS "public"."mood";',
    ]);
    expect(delta.runs).toEqual([
      happier[0],
      happier[2],
      index('ix_grid', 'grid'),
      fk('grid', 'acquisition'),
      fk('gridsquare', 'grid'),
    ]);
    // An enum named by a function of model-extras.sql: not told.
    const fn = 'CREATE FUNCTION f(m mood) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;';
    expect(modelDelta([...withMood, fn], [...happier, fn])).toBeNull();
  });

  it('refuses what it cannot tell: another kind changed, a touched table named elsewhere, repeats, too much', () => {
    const sequenceChanged = [...base, 'CREATE SEQUENCE "public"."s" START WITH 2;'];
    expect(modelDelta(base, sequenceChanged)).toBeNull();
    const view = 'CREATE VIEW "names" AS (select "id" from "grid");';
    const changedGrid = [...base.filter((s) => s !== table('grid')), table('grid', '"id" bigint PRIMARY KEY NOT NULL')];
    expect(modelDelta([...base, view], [...changedGrid, view])).toBeNull();
    // model-extras.sql, unquoted and in another case.
    const owned = 'ALTER SEQUENCE s OWNED BY GRID.id;';
    expect(modelDelta([...base, owned], [...changedGrid, owned])).toBeNull();
    // The same name inside another word is not a mention.
    const other = 'COMMENT ON TABLE "grid_note" IS \'x\';';
    expect(modelDelta([...base, other], [...changedGrid, other])).not.toBeNull();
    expect(modelDelta(base, [...base, base[1]!])).toBeNull();
    const many = Array.from({ length: 20 }, (_, i) => table(`t${i}`));
    expect(
      modelDelta(
        many,
        many.map((s) => s.replace('integer', 'bigint')),
      ),
    ).toBeNull();
  });
});

describe('sameOutsideTouched and hasNumberedDefaultNames', () => {
  const t = catalogTable;
  const catalog = (...tables: Table[]): Catalog => ({ ...emptyCatalog(), tables });
  const only = (table: string) => ({ touched: new Set([table]), types: new Set<string>() });

  it('a touched table may differ; anything else may not', () => {
    const before = catalog(t('a'), t('b'));
    expect(sameOutsideTouched(before, catalog(t('a', { comment: 'new' }), t('b')), only('public.a'))).toBe(true);
    expect(sameOutsideTouched(before, catalog(t('a'), t('b', { comment: 'by hand' })), only('public.a'))).toBe(false);
    expect(sameOutsideTouched(before, catalog(t('a'), t('b'), t('c')), only('public.a'))).toBe(false);
    expect(sameOutsideTouched(before, { ...before, schemas: ['extra'] }, only('public.a'))).toBe(false);
  });

  it('a name PostgreSQL numbered because the plain one was taken', () => {
    const pk = (name: string) => ({
      name,
      kind: 'primary' as const,
      definition: 'PRIMARY KEY (id)',
      references: null,
      columns: ['id'],
      comment: null,
    });
    expect(hasNumberedDefaultNames(catalog(t('a', { constraints: [pk('a_pkey')] })))).toBe(false);
    expect(hasNumberedDefaultNames(catalog(t('a', { constraints: [pk('a_pkey1')] })))).toBe(true);
  });
});
