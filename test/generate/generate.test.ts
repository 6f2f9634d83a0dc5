import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, diff, generate, hash, inspect, lint, migrate, rollback, status } from '../../src/api.js';
import { catalogFingerprint } from '../support/catalog-fingerprint.js';
import { query, serverUrl, useFreshDatabase } from '../support/fresh-database.js';
import { HEADER, tempProject } from '../support/temp-project.js';

const db = useFreshDatabase();

const v1 = `${HEADER}
export const status = pgEnum('gridsquarestatus', ['NONE', 'FOIL_HOLES_DECISION_STARTED']);
export const grid = pgTable('grid', {
  uuid: varchar('uuid').primaryKey(),
  name: varchar('name').notNull(),
  notes: varchar('notes'),
});
export const gridsquare = pgTable('gridsquare', {
  uuid: varchar('uuid').primaryKey(),
  gridUuid: varchar('grid_uuid').references(() => grid.uuid),
  status: status('status').default('NONE'),
});
`;

function project(source = v1) {
  const p = tempProject(source);
  return {
    dir: p.dir,
    migrations: p.migrations,
    setSchema: p.setSchema,
    get options() {
      return p.optionsFor(db.url);
    },
  };
}

/** The error a call fails with (the test fails if it succeeds). */
async function failureOf(run: Promise<unknown>): Promise<Error & { code: string }> {
  try {
    await run;
  } catch (error) {
    return error as Error & { code: string };
  }
  throw new Error('expected the call to fail');
}

const folders = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f !== 'smartem.sum')
    .sort();

describe('generate()', () => {
  it('writes a proved baseline, then only the change, and migrate() gives the model', async () => {
    const p = project();
    const first = await generate({ ...p.options, name: 'baseline' });
    expect(first.id).toMatch(/^\d{4}_\d\d_\d\d_\d{4}-001_baseline$/);
    expect(folders(p.migrations)).toEqual([first.id]);

    p.setSchema(
      v1
        .replace("'FOIL_HOLES_DECISION_STARTED']", "'FOIL_HOLES_DECISION_STARTED', 'REGISTERED']")
        .replace("notes: varchar('notes'),", "notes: varchar('notes'),\n  defocus: doublePrecision('defocus'),"),
    );
    const second = await generate({ ...p.options, name: 'registered status and defocus' });
    expect(second.id).toMatch(/-002_registered_status_and_defocus$/);
    expect(second.up).toContain(`-- parent: ${first.id}`);
    expect(second.up).toContain(`ALTER TYPE "public"."gridsquarestatus" ADD VALUE 'REGISTERED';`);
    expect(second.up).toContain('ALTER TABLE "public"."grid" ADD COLUMN "defocus" double precision;');
    expect(second.down).toContain('ALTER TABLE "public"."grid" DROP COLUMN "defocus";');
    expect(readFileSync(join(p.migrations, second.id!, 'down.sql'), 'utf8')).toBe(second.down);

    const applied = await migrate({ ...p.options });
    expect(applied.ran.map((r) => r.id)).toEqual([first.id, second.id]);
    const labels = await query(db.url, "select string_agg(enumlabel, ',' order by enumsortorder) as l from pg_enum");
    expect(labels).toEqual([{ l: 'NONE,FOIL_HOLES_DECISION_STARTED,REGISTERED' }]);
    await rollback({ steps: 1 }, p.options);
    expect((await status(p.options)).head).toBe(first.id);
  });

  it('writes a no-transaction migration when it adds an enum value and uses it, and the runner applies it', async () => {
    const p = project();
    await generate({ ...p.options, name: 'baseline' });
    await migrate(p.options);
    p.setSchema(
      v1
        .replace("'FOIL_HOLES_DECISION_STARTED']", "'FOIL_HOLES_DECISION_STARTED', 'REGISTERED']")
        .replace("status('status').default('NONE')", "status('status').default('REGISTERED')"),
    );
    const result = await generate({ ...p.options, name: 'registered by default' });
    expect(result.up).toContain('-- transaction: no');
    expect(result.down).toContain('-- transaction: yes');
    await migrate(p.options);
    await query(db.url, "insert into gridsquare (uuid) values ('s1')");
    expect(await query(db.url, 'select status from gridsquare')).toEqual([{ status: 'REGISTERED' }]);
  });

  it('by default builds indexes concurrently and validates foreign keys in steps, which the lint accepts', async () => {
    const p = project();
    await generate({ ...p.options, name: 'baseline' });
    await migrate(p.options);
    p.setSchema(
      v1
        .replace(
          "  notes: varchar('notes'),\n});",
          "  notes: varchar('notes'),\n}, (t) => [index('ix_grid_name').on(t.name)]);",
        )
        .replace(
          "gridUuid: varchar('grid_uuid').references(() => grid.uuid),",
          "gridUuid: varchar('grid_uuid'),\n  otherGrid: varchar('other_grid').references(() => grid.uuid),",
        ),
    );
    const result = await generate({ ...p.options, name: 'online' });
    expect(result.up).toContain('-- transaction: no');
    expect(result.up).toContain('CREATE INDEX CONCURRENTLY ix_grid_name ON public.grid USING btree (name);');
    expect(result.up).toMatch(
      /ADD CONSTRAINT "gridsquare_other_grid_grid_uuid_fk" FOREIGN KEY .* NOT VALID;\nALTER TABLE "public"."gridsquare" VALIDATE CONSTRAINT "gridsquare_other_grid_grid_uuid_fk";/,
    );
    expect(result.down).toContain('DROP INDEX CONCURRENTLY "public"."ix_grid_name";');
    const report = await lint({ ...p.options, db: db.url });
    expect(report.findings.filter((f) => f.acknowledged === null)).toEqual([]);
    await migrate(p.options);
    await rollback({ steps: 1 }, p.options);
    expect((await status(p.options)).pending).toBe(1);
  });

  it('says there is nothing to do, and writes nothing, when the migrations match the model', async () => {
    const p = project();
    await generate({ ...p.options, name: 'baseline' });
    const again = await generate({ ...p.options, name: 'nothing' });
    expect(again).toMatchObject({ id: null, ops: [] });
    expect(folders(p.migrations)).toHaveLength(1);
  });

  it('refuses to drop a column unless told, naming it and the likely rename', async () => {
    const p = project();
    await generate({ ...p.options, name: 'baseline' });
    p.setSchema(v1.replace("notes: varchar('notes'),", "remarks: varchar('remarks'),"));
    const refused = await failureOf(generate({ ...p.options, name: 'remarks' }));
    expect(refused).toMatchObject({ code: 'DATA_LOSS_REFUSED' });
    expect(refused.message).toContain('drops column public.grid.notes and the data in it');
    expect(refused.message).toContain('--rename grid.notes=remarks');
    expect(folders(p.migrations)).toHaveLength(1);

    const allowed = await generate({ ...p.options, name: 'remarks', allowDataLoss: true });
    expect(allowed.up).toContain(
      '-- DATA LOSS: drops column public.grid.notes and the data in it\n' +
        '-- smartem-db:allow data-loss: acknowledged with --allow-data-loss when this migration was generated\n' +
        'ALTER TABLE "public"."grid" DROP COLUMN "notes";',
    );
  });

  it('renames a column when told to, keeping its data both ways', async () => {
    const p = project();
    await generate({ ...p.options, name: 'baseline' });
    await migrate(p.options);
    await query(db.url, "insert into grid (uuid, name, notes) values ('g1', 'Grid 1', 'keep me')");
    p.setSchema(v1.replace("notes: varchar('notes'),", "remarks: varchar('remarks'),"));
    const renamed = await generate({ ...p.options, name: 'rename notes', renames: ['grid.notes=remarks'] });
    expect(renamed.up).toContain('ALTER TABLE "public"."grid" RENAME COLUMN "notes" TO "remarks";');
    expect(renamed.up).not.toContain('DROP COLUMN');
    await migrate(p.options);
    expect(await query(db.url, 'select remarks from grid')).toEqual([{ remarks: 'keep me' }]);
    await rollback({ steps: 1 }, p.options);
    expect(await query(db.url, 'select notes from grid')).toEqual([{ notes: 'keep me' }]);
  });

  it('renames a table and acknowledges data loss from a hints file (for CI)', async () => {
    const p = project();
    await generate({ ...p.options, name: 'baseline' });
    p.setSchema(v1.replace("pgTable('gridsquare'", "pgTable('square'").replace("  notes: varchar('notes'),\n", ''));
    const hints = join(p.dir, 'hints.json');
    writeFileSync(hints, JSON.stringify({ renameTables: { gridsquare: 'square' }, allowDataLoss: ['grid.notes'] }));
    const result = await generate({ ...p.options, name: 'square', hintsFile: hints });
    expect(result.up).toContain('ALTER TABLE "public"."gridsquare" RENAME TO "square";');
    expect(result.up).toContain('DROP COLUMN "notes"');
    expect(result.down).toContain('ALTER TABLE "public"."square" RENAME TO "gridsquare";');
  });

  it('asks about likely renames when a prompt is given', async () => {
    const p = project();
    await generate({ ...p.options, name: 'baseline' });
    p.setSchema(v1.replace("notes: varchar('notes'),", "remarks: varchar('remarks'),"));
    const questions: string[] = [];
    const result = await generate({
      ...p.options,
      name: 'remarks',
      confirmRename: async (q) => {
        questions.push(q);
        return true;
      },
    });
    expect(questions).toEqual(['Is column public.grid.remarks the column notes renamed?']);
    expect(result.up).toContain('RENAME COLUMN "notes" TO "remarks"');
  });

  it('writes an empty pair for a hand-written migration', async () => {
    const p = project();
    await generate({ ...p.options, name: 'baseline' });
    const empty = await generate({ ...p.options, name: 'seed robot models', empty: true });
    expect(empty.id).toMatch(/-002_seed_robot_models$/);
    expect(empty.up).toMatch(/-- parent: .*-001_baseline\n-- transaction: yes\n/);
    expect((await migrate(p.options)).ran).toHaveLength(2);
  });

  it('refuses a table rewrite it cannot do online, pointing at --expand-contract, until --plain says why', async () => {
    const model = (type: string) =>
      `${HEADER}import { bigint } from 'drizzle-orm/pg-core';\nexport const t = pgTable('t', { id: integer('id').primaryKey(), w: ${type}, w2: integer('w2').generatedAlwaysAs(sql\`w * 2\`) });\nimport { sql } from 'drizzle-orm';\n`;
    const p = project(model("integer('w')"));
    await generate({ ...p.options, name: 'baseline' });
    await migrate(p.options);
    p.setSchema(model("bigint('w', { mode: 'number' })"));
    const refused = await failureOf(generate({ ...p.options, name: 'widen' }));
    expect(refused).toMatchObject({ code: 'LOCK_REFUSED' });
    expect(refused.message).toContain('rewrites the table to change public.t.w from integer to bigint');
    expect(refused.message).toContain('write it as expand and contract: --expand-contract');
    expect(refused.message).toContain('--plain "<reason>"');
    expect(folders(p.migrations)).toHaveLength(1);

    // The generated column is rebuilt around the type change of the column it reads.
    const widened = await generate({ ...p.options, name: 'widen', plain: 'table t holds a few rows' });
    expect(widened.up).toContain('-- transaction: yes');
    expect(widened.up).toContain('DROP COLUMN "w2"');
    expect(widened.up).toContain('ALTER COLUMN "w" TYPE bigint');
    expect(widened.up).toContain(
      '-- smartem-db:allow table-rewrite: table t holds a few rows (the plain form, chosen with --plain)',
    );
    // With the database's catalog the lint knows w2 is generated: dropping it loses nothing.
    const report = await lint({ ...p.options, db: db.url });
    expect(report.findings.filter((f) => f.acknowledged === null)).toEqual([]);
    expect(report.findings.map((f) => f.kind)).toContain('table-rewrite');
  });

  it('fails the proof with what went wrong when PostgreSQL refuses the SQL, writes nothing, and drops its scratch databases', async () => {
    // A function's result changed while extended statistics on an expression call it: the differ
    // drops and creates the function under them, which PostgreSQL refuses.
    const p = project(`${HEADER}export const t = pgTable('t', { id: integer('id').primaryKey() });\n`);
    const extras = (type: string) =>
      writeFileSync(
        join(dirname(p.options.schema), 'model-extras.sql'),
        `CREATE FUNCTION answer(x integer) RETURNS ${type} LANGUAGE sql IMMUTABLE AS 'SELECT 42';
CREATE TABLE answers (n integer, m integer);
CREATE STATISTICS answers_stats ON (answer(n)), m FROM answers;\n`,
      );
    extras('integer');
    await generate({ ...p.options, name: 'baseline' });
    extras('bigint');
    const failed = await failureOf(generate({ ...p.options, name: 'answer' }));
    expect(failed).toMatchObject({ code: 'PROOF_FAILED' });
    expect(failed.message).toContain('did not pass its proof (applying up.sql failed)');
    expect(failed.message).toContain('cannot drop function answer(integer) because other objects depend on it');
    expect(failed.message).toContain('DROP FUNCTION public.answer(x integer)');
    expect(folders(p.migrations)).toHaveLength(1);
    const leftovers = await query(serverUrl(), 'select datname from pg_database where datname like $1', [
      `smartem\\_scratch\\_${process.pid}\\_%`,
    ]);
    expect(leftovers).toEqual([]);
  });

  it('writes what model-extras.sql adds (an updated_at trigger, a policy, a storage parameter), and check sees it drift', async () => {
    const p = project(
      `${HEADER}export const t = pgTable('t', { id: integer('id').primaryKey(), updatedAt: integer('updated_at') });\n`,
    );
    await generate({ ...p.options, name: 'baseline' });
    writeFileSync(
      join(dirname(p.options.schema), 'model-extras.sql'),
      [
        'CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at = 1; RETURN NEW; END $$;',
        'CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch();',
        'ALTER TABLE t ENABLE ROW LEVEL SECURITY;',
        'CREATE POLICY t_visible ON t FOR SELECT USING (id > 0);',
        'ALTER TABLE t SET (fillfactor = 80);',
      ].join('\n'),
    );
    expect((await check({ ...p.options, modelOnly: true })).model.differences.sort()).toEqual([
      'function public.touch(): absent, expected present',
      'policy public.t.t_visible: absent, expected present',
      'row level security public.t: absent, expected present',
      'storage parameter public.t (fillfactor): absent, expected present',
      'trigger public.t.t_touch: absent, expected present',
    ]);
    const result = await generate({ ...p.options, name: 'extras' });
    expect(result.up).toContain('CREATE OR REPLACE FUNCTION public.touch()');
    expect(result.up).toContain('CREATE TRIGGER t_touch BEFORE UPDATE ON public.t');
    expect(result.down).toContain('DROP FUNCTION public.touch()');
    expect((await check({ ...p.options, modelOnly: true })).model.ok).toBe(true);
    await migrate(p.options);
    const [trigger] = await query(db.url, "select tgname from pg_trigger where tgname = 't_touch'");
    expect(trigger).toEqual({ tgname: 't_touch' });
  });

  it('a table that joins a partitioned table keeps its rows (ATTACH PARTITION), online: its bounds proved first by a validated CHECK', async () => {
    const p = project(`${HEADER}export const t = pgTable('t', { id: integer('id').primaryKey() });\n`);
    const extras = (old: string) =>
      writeFileSync(
        join(dirname(p.options.schema), 'model-extras.sql'),
        `CREATE TABLE reading (at integer NOT NULL, v integer) PARTITION BY RANGE (at);\n${old}\n`,
      );
    extras('CREATE TABLE reading_old (at integer NOT NULL, v integer);');
    await generate({ ...p.options, name: 'baseline' });
    await migrate(p.options);
    await query(db.url, 'INSERT INTO reading_old VALUES (5, 1), (7, 2)');
    extras('CREATE TABLE reading_old PARTITION OF reading FOR VALUES FROM (0) TO (100);');
    // diff takes the same step from the folder's replay.
    const diffed = await diff({ ...p.options, from: 'migrations', to: 'schema' });
    expect(diffed.sql).toContain('ATTACH PARTITION public.reading_old');
    expect(diffed.sql).not.toContain('DROP TABLE');
    const result = await generate({ ...p.options, name: 'attach' });
    expect(result.up).toContain(
      'ALTER TABLE public.reading_old ADD CONSTRAINT "smartem_partition_bound" CHECK (((at IS NOT NULL) AND (at >= 0) AND (at < 100))) NOT VALID',
    );
    expect(result.up).toContain(
      'ALTER TABLE public.reading ATTACH PARTITION public.reading_old FOR VALUES FROM (0) TO (100)',
    );
    expect(result.up).not.toContain('DROP TABLE');
    expect(result.down).toContain('ALTER TABLE public.reading DETACH PARTITION public.reading_old CONCURRENTLY');
    // What generate judged online the lint, without a database, judges so too.
    expect((await lint({ ...p.options, all: true, env: {} })).ok).toBe(true);
    await migrate(p.options);
    expect(await query(db.url, 'SELECT count(*)::int AS n FROM reading')).toEqual([{ n: 2 }]);
    expect((await check({ ...p.options, db: db.url })).database?.ok).toBe(true);

    // And it leaves again, online: DETACH ... CONCURRENTLY, nothing to acknowledge, its rows kept.
    extras('CREATE TABLE reading_old (at integer NOT NULL, v integer);');
    const detached = await generate({ ...p.options, name: 'detach' });
    expect(detached.up).toContain('ALTER TABLE public.reading DETACH PARTITION public.reading_old CONCURRENTLY');
    await migrate(p.options);
    expect(
      await query(
        db.url,
        'SELECT (SELECT count(*) FROM reading)::int AS parent, (SELECT count(*) FROM reading_old)::int AS own',
      ),
    ).toEqual([{ parent: 0, own: 2 }]);
    expect((await check({ ...p.options, db: db.url })).database?.ok).toBe(true);
  });

  it('an index and a foreign key on a partitioned table holding rows are generated online without --plain: built on each partition, then attached', async () => {
    const p = project(`${HEADER}export const t = pgTable('t', { id: integer('id').primaryKey() });\n`);
    const extras = (more: string) =>
      writeFileSync(
        join(dirname(p.options.schema), 'model-extras.sql'),
        `CREATE TABLE reading (at integer NOT NULL, v integer) PARTITION BY RANGE (at);
CREATE TABLE reading_a PARTITION OF reading FOR VALUES FROM (0) TO (100);
CREATE TABLE reading_b PARTITION OF reading FOR VALUES FROM (100) TO (200);\n${more}\n`,
      );
    extras('');
    await generate({ ...p.options, name: 'baseline' });
    await migrate(p.options);
    await query(db.url, 'INSERT INTO t VALUES (1), (2); INSERT INTO reading VALUES (5, 1), (150, 2)');
    extras(
      'CREATE INDEX reading_v ON reading (v);\nALTER TABLE reading ADD CONSTRAINT reading_t FOREIGN KEY (v) REFERENCES t (id);',
    );
    const result = await generate({ ...p.options, name: 'index' });
    for (const leaf of ['reading_a', 'reading_b']) {
      expect(result.up).toContain(
        `CREATE INDEX CONCURRENTLY "${leaf}_reading_v" ON "public"."${leaf}" USING btree (v)`,
      );
      expect(result.up).toContain(`ALTER TABLE "public"."${leaf}" VALIDATE CONSTRAINT "reading_t"`);
    }
    expect(result.up).toContain('CREATE INDEX reading_v ON public.reading USING btree (v)');
    expect(result.up).not.toContain('-- LOCK');
    // What generate judged online the lint, without a database, judges so too.
    expect((await lint({ ...p.options, all: true, env: {} })).ok).toBe(true);
    await migrate(p.options);
    expect(await query(db.url, 'SELECT count(*)::int AS n FROM reading')).toEqual([{ n: 2 }]);
    expect(
      await query(
        db.url,
        `SELECT count(*)::int AS n FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
          WHERE c.relname IN ('reading_v', 'reading_a_reading_v', 'reading_b_reading_v') AND x.indisvalid`,
      ),
    ).toEqual([{ n: 3 }]);
    expect((await check({ ...p.options, db: db.url })).database?.ok).toBe(true);
  });

  it("a model's pgRole: the migration creates it when the cluster lacks it, and generating again finds nothing to do", async () => {
    const role = `smartem_role_${randomBytes(4).toString('hex')}`;
    const source = `import { pgTable, integer, pgPolicy, pgRole } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
export const reader = pgRole('${role}');
export const t = pgTable('t', { id: integer('id').primaryKey() }, () => [pgPolicy('t_read', { for: 'select', to: reader, using: sql\`true\` })]).enableRLS();
`;
    const p = project(source);
    try {
      const first = await generate({ ...p.options, name: 'baseline' });
      expect(first.up).toContain(`THEN CREATE ROLE ${role}; END IF;`);
      expect((await generate({ ...p.options, name: 'again' })).id).toBeNull();
      await migrate(p.options);
      const [policy] = await query(db.url, "select polname from pg_policy where polname = 't_read'");
      expect(policy).toEqual({ polname: 't_read' });
    } finally {
      await query(db.url, `DROP OWNED BY ${role}`).catch(() => {});
      await query(serverUrl(), `DROP ROLE IF EXISTS ${role}`);
    }
  });

  it('refuses, by name, a model-extras object it cannot write SQL for, and takes a hand-written migration for it', async () => {
    const p = project(`${HEADER}export const t = pgTable('t', { id: integer('id').primaryKey() });\n`);
    await generate({ ...p.options, name: 'baseline' });
    const operator = 'CREATE OPERATOR === (LEFTARG = integer, RIGHTARG = integer, FUNCTION = int4eq)';
    writeFileSync(join(dirname(p.options.schema), 'model-extras.sql'), `${operator};\n`);
    const refused = await failureOf(generate({ ...p.options, name: 'same' }));
    expect(refused).toMatchObject({ code: 'UNSUPPORTED_CHANGE' });
    expect(refused.message).toContain('operator ===(integer,integer): wanted, not there yet');
    expect(refused.message).toContain('generate --empty');
    const empty = await generate({ ...p.options, name: 'same', empty: true });
    writeFileSync(join(p.migrations, empty.id!, 'up.sql'), `${operator};\n`);
    writeFileSync(join(p.migrations, empty.id!, 'down.sql'), 'DROP OPERATOR === (integer, integer);\n');
    hash(p.options);
    expect((await generate({ ...p.options, name: 'again' })).id).toBeNull();
  });

  it('diffs against a live database at head, and refuses one behind or drifted', async () => {
    const p = project();
    await generate({ ...p.options, name: 'baseline' });
    await migrate(p.options);
    p.setSchema(
      v1.replace("notes: varchar('notes'),", "notes: varchar('notes'),\n  code: varchar('code', { length: 12 }),"),
    );
    const fromLive = await generate({ ...p.options, name: 'code', fromDb: db.url });
    expect(fromLive.up).toContain('ADD COLUMN "code" character varying(12)');

    const behind = await failureOf(generate({ ...p.options, name: 'x', fromDb: db.url }));
    expect(behind).toMatchObject({
      code: 'NOT_AT_HEAD',
      message: expect.stringContaining(`${fromLive.id} is not applied`),
    });

    await migrate(p.options);
    await query(db.url, 'create index by_hand on grid (name)');
    p.setSchema(v1);
    const drifted = await failureOf(generate({ ...p.options, name: 'x', fromDb: db.url, allowDataLoss: true }));
    expect(drifted).toMatchObject({ code: 'DRIFTED' });
    expect(drifted.message).toContain('index by_hand on public.grid: present, expected absent');
  });

  it('leaves the journal schema out of every model', async () => {
    const p = project();
    await generate({ ...p.options, name: 'baseline' });
    await migrate(p.options);
    // The journal is there, yet what smartem-db reads of the database leaves its schema out.
    expect((await catalogFingerprint(db.url, ['smartem_db'])).length).toBeGreaterThan(0);
    expect((await inspect(p.options)).schemas).toEqual(['public']);
    expect((await generate({ ...p.options, name: 'none', fromDb: db.url })).id).toBeNull();
  });

  it('refuses names drizzle-kit cannot render (a double quote, a semicolon), naming the object, and writes nothing', async () => {
    for (const [source, named] of [
      [
        `${HEADER}export const t = pgTable('t', { c: integer('col"quote') });`,
        'column "col"quote" (of table "t") has a double quote (")',
      ],
      [
        `${HEADER}export const t = pgTable('t', { d: varchar('d') }, (t) => [index('ix "weird" ;').on(t.d)]);`,
        'index "ix "weird" ;" (of table "t") has a double quote (")',
      ],
      [
        `${HEADER}export const t = pgTable('t', { d: varchar('d') }, (t) => [index('ix;weird').on(t.d)]);`,
        'index "ix;weird" (of table "t") has a semicolon (;)',
      ],
    ]) {
      const p = project(source);
      const error = await failureOf(generate({ ...p.options, name: 'weird' }));
      expect(error.code).toBe('SCHEMA_LOAD_FAILED');
      expect(error.message).toContain(`The Drizzle model's ${named}`);
      expect(folders(p.migrations)).toEqual([]);
    }
  });
});
