import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { introspect } from '../../src/catalog/introspect.js';
import { folderMayFitBeside, modelCatalog } from '../../src/scratch/model-state.js';
import { ScratchPool, type ScratchTarget } from '../../src/scratch/scratch-databases.js';
import { query, serverUrl } from '../support/fresh-database.js';
import { ddl, schema } from '../support/random-schema.js';

// The model's catalog built beside the migrations' state (emptied in a transaction that is
// rolled back) must be exactly the one a database of its own gives, and leave the replay as it was.

const exclude = { excludeSchemas: ['smartem_db'] };
const tag = randomBytes(4).toString('hex');
const role = `smartem_app_${tag}`;

/** What the folder's replay holds: a bit of every kind the emptying must drop, none of it the model's. */
const replaySql = (server: boolean) => [
  'CREATE SCHEMA smartem_db',
  'CREATE TABLE smartem_db.migrations (id text PRIMARY KEY)',
  "INSERT INTO smartem_db.migrations VALUES ('001_base')",
  'CREATE SCHEMA other',
  "CREATE TYPE public.mood AS ENUM ('sad', 'ok')",
  'CREATE DOMAIN public.positive AS integer CHECK (VALUE > 0)',
  'CREATE TYPE public.pair AS (a integer, b text)',
  'CREATE TYPE public.span AS RANGE (subtype = float8)',
  'CREATE TABLE public.acquisition (uuid varchar PRIMARY KEY, name varchar NOT NULL, mood public.mood, n public.positive)',
  'CREATE TABLE other.grid (uuid varchar PRIMARY KEY, acquisition_uuid varchar REFERENCES public.acquisition (uuid))',
  "INSERT INTO public.acquisition VALUES ('a1', 'first', 'ok', 3)",
  'CREATE SEQUENCE public.counter',
  "SELECT nextval('public.counter')",
  'CREATE VIEW public.named AS SELECT name FROM public.acquisition',
  'CREATE MATERIALIZED VIEW public.counted AS SELECT count(*) AS n FROM public.acquisition',
  'CREATE FUNCTION public.first(p public.pair) RETURNS integer LANGUAGE sql AS $$ SELECT p.a $$',
  'CREATE AGGREGATE public.total(integer) (sfunc = int4pl, stype = integer)',
  'CREATE PROCEDURE public.nothing() LANGUAGE sql AS $$ SELECT 1 $$',
  'CREATE TABLE public.reading (at integer, v float8) PARTITION BY RANGE (at)',
  'CREATE TABLE public.reading_0 PARTITION OF public.reading FOR VALUES FROM (0) TO (100)',
  'CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$',
  'CREATE TRIGGER touch BEFORE UPDATE ON public.acquisition FOR EACH ROW EXECUTE FUNCTION public.touch()',
  'ALTER TABLE public.acquisition ENABLE ROW LEVEL SECURITY',
  'CREATE POLICY mine ON public.acquisition USING (true)',
  // A temporary table leaves its session's pg_temp_N schema behind, empty: not an object of the database's.
  'CREATE TEMP TABLE scratch_rows (a integer)',
  'DROP TABLE scratch_rows',
  // A migration's SET (not LOCAL) stays on the session: the model must not be built under it.
  'SET search_path = other',
  ...(server
    ? [
        'CREATE EXTENSION IF NOT EXISTS pgcrypto SCHEMA public',
        "CREATE COLLATION public.loose (provider = icu, locale = 'und-u-ks-level2', deterministic = false)",
        `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${role}') THEN CREATE ROLE ${role}; END IF; END $$`,
        `GRANT SELECT ON public.acquisition TO ${role}`,
      ]
    : []),
];

/** The model: some of the same names, defined otherwise, and unqualified as drizzle-kit writes them. */
const modelSql = (server: boolean) => [
  "CREATE TYPE \"mood\" AS ENUM ('sad', 'ok', 'happy')",
  'CREATE TABLE "acquisition" ("uuid" varchar PRIMARY KEY NOT NULL, "name" varchar, "mood" "mood", "operator" text)',
  'CREATE TABLE "grid" ("uuid" varchar PRIMARY KEY NOT NULL, "acquisition_uuid" varchar)',
  'ALTER TABLE "grid" ADD CONSTRAINT "grid_acquisition_uuid_fkey" FOREIGN KEY ("acquisition_uuid") REFERENCES "public"."acquisition"("uuid")',
  'CREATE INDEX "ix_grid_acquisition" ON "grid" USING btree ("acquisition_uuid")',
  'CREATE VIEW "named" AS (SELECT "name", "operator" FROM "acquisition")',
  ...(server
    ? [
        `CREATE ROLE "${role}"`,
        `GRANT SELECT, INSERT ON "acquisition" TO "${role}"`,
        'CREATE EXTENSION IF NOT EXISTS citext',
      ]
    : []),
];

async function bothWays(target: ScratchTarget, server: boolean) {
  const pool = new ScratchPool(target);
  try {
    const replay = await pool.create({ noteEmpty: true });
    for (const sql of replaySql(server)) await replay.exec(sql);
    const before = await introspect(replay, exclude);
    const rowsBefore = await replay.query(
      'SELECT (SELECT count(*) FROM smartem_db.migrations)::int AS journal, (SELECT last_value FROM public.counter)::int AS counter, (SELECT count(*) FROM public.acquisition)::int AS rows',
    );
    const phases: string[] = [];
    const timer = { time: <T>(phase: string, work: () => Promise<T>) => (phases.push(phase), work()) };
    // A SET ROLE a migration left on the session too (RESET ALL leaves a role as it is).
    if (server) await replay.exec(`SET ROLE ${role}`);
    const beside = await modelCatalog(pool, modelSql(server), exclude, {
      beside: { session: replay, catalog: before },
      timer,
    });
    if (server) await replay.exec('RESET ROLE');
    expect(phases).toEqual(['model DDL and its catalog, beside the replay (rolled back)']);
    const own = await modelCatalog(pool, modelSql(server), exclude);
    expect(beside).toEqual(own);
    expect(own.tables.map((t) => `${t.schema}.${t.name}`).sort()).toEqual(['public.acquisition', 'public.grid']);
    // The replay is as it was: catalog, rows, sequence and journal (the rollback undid the emptying).
    expect(await introspect(replay, exclude)).toEqual(before);
    expect(
      await replay.query(
        'SELECT (SELECT count(*) FROM smartem_db.migrations)::int AS journal, (SELECT last_value FROM public.counter)::int AS counter, (SELECT count(*) FROM public.acquisition)::int AS rows',
      ),
    ).toEqual(rowsBefore);
    return { pool, replay, before };
  } finally {
    await pool.close();
  }
}

describe("the model's state beside the replay", () => {
  it('on a server: emptied in a rolled-back transaction, it is the catalog of a database of its own', async () => {
    try {
      await bothWays({ kind: 'server', url: serverUrl(), source: 'the test server' }, true);
    } finally {
      // A role is the cluster's: it outlives the scratch databases (dropped by then).
      await query(serverUrl(), `DROP ROLE IF EXISTS ${role}`);
    }
  }, 60_000);

  it('embedded (PGlite): the same, with one instance instead of two', async () => {
    await bothWays({ kind: 'embedded' }, false);
  }, 60_000);

  it('a model that cannot be built in one transaction, or a database not known to have begun empty, gets its own', async () => {
    const pool = new ScratchPool({ kind: 'server', url: serverUrl(), source: 'the test server' });
    try {
      const replay = await pool.create({ noteEmpty: true });
      await replay.exec('CREATE TABLE public.kept (id integer PRIMARY KEY)');
      const catalog = await introspect(replay, exclude);
      const phases: string[] = [];
      const timer = { time: <T>(phase: string, work: () => Promise<T>) => (phases.push(phase), work()) };
      // CREATE INDEX CONCURRENTLY runs only outside a transaction (model-extras.sql may say it).
      const concurrent = ['CREATE TABLE "t" ("id" integer)', 'CREATE INDEX CONCURRENTLY "t_id" ON "t" ("id")'];
      const want = await modelCatalog(pool, concurrent, exclude, { beside: { session: replay, catalog }, timer });
      expect(want.tables.map((t) => t.name)).toEqual(['t']);
      expect(want.tables[0]!.indexes.map((i) => i.name)).toEqual(['t_id']);
      expect(phases).toEqual([
        'model DDL and its catalog, beside the replay (rolled back)',
        'scratch database for the model',
        'model DDL',
        'introspect the model',
      ]);
      expect(await introspect(replay, exclude)).toEqual(catalog);

      // A folder too big to build beside (its up.sql files create more than 100 tables): the
      // model's own database was made ahead, while the model loaded, and it is built there.
      const big = Array.from({ length: 101 }, (_, i) => `CREATE TABLE t${i} (id integer);`).join('\n');
      expect([folderMayFitBeside([big]), folderMayFitBeside(['CREATE TABLE t (id integer);'])]).toEqual([false, true]);
      phases.length = 0;
      const ahead = await modelCatalog(pool, ['CREATE TABLE "v" ("id" integer)'], exclude, {
        own: pool.create(),
        timer,
      });
      expect(ahead.tables.map((t) => t.name)).toEqual(['v']);
      expect(phases).toEqual(['model DDL', 'introspect the model']);

      // A session the pool did not make empty (a kept database without the record, say).
      const stranger = new ScratchPool({ kind: 'server', url: serverUrl(), source: 'the test server' });
      phases.length = 0;
      await modelCatalog(stranger, ['CREATE TABLE "u" ("id" integer)'], exclude, {
        beside: { session: replay, catalog },
        timer,
      });
      await stranger.close();
      expect(phases[0]).toBe('scratch database for the model');
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('for random pairs of schemas (one the replay, the other the model), the same catalog as a database of its own', async () => {
    await fc.assert(
      fc.asyncProperty(schema, schema, async (a, b) => {
        // A pool a run, closed after it: each keeps its databases and sessions until then.
        const pool = new ScratchPool({ kind: 'server', url: serverUrl(), source: 'the test server' });
        try {
          const replay = await pool.create({ noteEmpty: true });
          await replay.exec(ddl(a));
          const catalog = await introspect(replay, exclude);
          const phases: string[] = [];
          const timer = { time: <T>(phase: string, work: () => Promise<T>) => (phases.push(phase), work()) };
          const beside = await modelCatalog(pool, [ddl(b)], exclude, { beside: { session: replay, catalog }, timer });
          expect(phases).toEqual(['model DDL and its catalog, beside the replay (rolled back)']);
          expect(beside).toEqual(await modelCatalog(pool, [ddl(b)], exclude));
          expect(await introspect(replay, exclude)).toEqual(catalog);
        } finally {
          await pool.close();
        }
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 8), endOnFailure: true },
    );
  }, 180_000);
});
