import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, diff, generate, hash } from '../../src/api.js';
import { MODEL_REMEMBERED } from '../../src/developer-tools.js';
import { useFreshDatabase } from '../support/fresh-database.js';
import { tempDir } from '../support/migrations-dir.js';
import { HEADER, tempProject } from '../support/temp-project.js';

const db = useFreshDatabase();

const table = (columns: string, name = 'grid') =>
  `export const ${name} = pgTable('${name}', { uuid: varchar('uuid').primaryKey()${columns} });\n`;

type Project = ReturnType<typeof tempProject>;

/**
 * generate, check --model-only and diff (folder to model) with the store, against the answer
 * worked out anew (--no-cache): diff's ops and check's report must be the same, and generate must
 * plan the same ops (it writes them, proved, when there are any; undone here). Returns whether the
 * model changed against the folder, whether its statements were remembered (not loaded), and
 * whether check's catalogs both came from the store.
 */
async function sameAnswers(p: Project, extra: { schema?: string; url?: string } = {}) {
  const said: string[] = [];
  const logger = { info: (m: string) => said.push(m), warn: (m: string) => said.push(m) };
  const options = { ...p.optionsFor(db.url), ...extra };
  const diffFresh = await diff({ ...options, from: 'migrations', to: 'schema', cache: false });
  const diffStored = await diff({ ...options, from: 'migrations', to: 'schema', logger });
  expect(diffStored.sql, 'diff: the store changed the answer').toBe(diffFresh.sql);
  const checkFresh = await check({ ...options, modelOnly: true, cache: false });
  const checkStored = await check({ ...options, modelOnly: true, logger });
  expect({ ...checkStored.model, cached: undefined }, 'check: the store changed the answer').toEqual(checkFresh.model);
  const stored = await generate({
    ...options,
    name: 'probe',
    now: new Date(0),
    allowDataLoss: true,
    plain: 'the tables are empty',
    logger,
  });
  if (stored.id) {
    rmSync(join(p.migrations, stored.id), { recursive: true });
    hash(options);
  }
  expect(stored.ops, 'generate: the store changed the answer').toEqual(diffFresh.ops);
  return {
    changed: diffFresh.ops.length > 0,
    remembered: said.filter((m) => m === MODEL_REMEMBERED).length,
    fromStore: checkStored.model.cached === true,
  };
}

describe("the project's store answers exactly as working it out anew", () => {
  it('for every kind of change to the model, its files and its packages', { timeout: 180_000 }, async () => {
    const p = tempProject(`${HEADER}${table('')}`);
    // A node_modules of its own (before anything resolves from it: Node remembers what it found),
    // with drizzle-orm and a local package linked in (npm link, a file: dependency).
    const pkgDir = tempDir();
    writeFileSync(join(pkgDir, 'package.json'), '{ "name": "local-columns", "version": "1.0.0", "main": "index.js" }');
    writeFileSync(join(pkgDir, 'index.js'), "exports.extra = 'first';\n");
    rmSync(join(p.dir, 'node_modules'));
    mkdirSync(join(p.dir, 'node_modules'));
    symlinkSync(join(process.cwd(), 'node_modules', 'drizzle-orm'), join(p.dir, 'node_modules', 'drizzle-orm'));
    symlinkSync(pkgDir, join(p.dir, 'node_modules', 'local-columns'));
    const options = p.optionsFor(db.url);
    await generate({ ...options, name: 'baseline' });

    // The store is in the project, and ignored by git by construction.
    expect(readFileSync(join(p.dir, '.smartem-db', '.gitignore'), 'utf8')).toMatch(/^\*$/m);

    // Unchanged: the model is not even loaded, and both catalogs come from the store.
    const unchanged = await sameAnswers(p);
    expect(unchanged).toMatchObject({ changed: false, fromStore: true });
    expect(unchanged.remembered).toBeGreaterThan(0);

    // Another model file (--schema), beside the first.
    const other = join(p.dir, 'other.ts');
    writeFileSync(other, `${HEADER}${table(", other: varchar('other')")}`);
    expect(await sameAnswers(p, { schema: other })).toMatchObject({ changed: true });
    expect(await sameAnswers(p)).toMatchObject({ changed: false });

    // The local package's file changes.
    p.setSchema(
      `${HEADER}import { extra } from 'local-columns';\n` +
        "export const grid = pgTable('grid', { uuid: varchar('uuid').primaryKey(), [extra]: varchar(extra) });\n",
    );
    const linked = await sameAnswers(p);
    expect(linked.changed).toBe(true);
    writeFileSync(join(pkgDir, 'index.js'), "exports.extra = 'second';\n");
    const relinked = await sameAnswers(p);
    expect(relinked.changed).toBe(true);
    expect((await diff({ ...options, schema: p.schema, from: 'migrations', to: 'schema' })).sql).toContain('"second"');

    // A model that reads a file at run time: always loaded, so a change to the file is seen.
    writeFileSync(join(p.dir, 'columns.json'), '["a"]');
    p.setSchema(
      `${HEADER}import { readFileSync } from 'node:fs';\n` +
        "const names: string[] = JSON.parse(readFileSync(new URL('./columns.json', import.meta.url), 'utf8'));\n" +
        "export const grid = pgTable('grid', { uuid: varchar('uuid').primaryKey(), ...Object.fromEntries(names.map((n) => [n, varchar(n)])) });\n",
    );
    const reads = await sameAnswers(p);
    expect(reads.remembered, 'a model that reads files is never remembered').toBe(0);
    writeFileSync(join(p.dir, 'columns.json'), '["a", "b"]');
    expect((await diff({ ...options, schema: p.schema, from: 'migrations', to: 'schema' })).sql).toContain('"b"');
    expect((await sameAnswers(p)).remembered).toBe(0);

    // A model that reads the environment: the environment is part of the key.
    p.setSchema(
      `${HEADER}${table(", [process.env.SMARTEM_TEST_COLUMN ?? 'none']: varchar(process.env.SMARTEM_TEST_COLUMN ?? 'none')")}`,
    );
    process.env.SMARTEM_TEST_COLUMN = 'from_env_1';
    expect((await diff({ ...options, schema: p.schema, from: 'migrations', to: 'schema' })).sql).toContain(
      'from_env_1',
    );
    await sameAnswers(p);
    process.env.SMARTEM_TEST_COLUMN = 'from_env_2';
    expect((await diff({ ...options, schema: p.schema, from: 'migrations', to: 'schema' })).sql).toContain(
      'from_env_2',
    );
    await sameAnswers(p);
    delete process.env.SMARTEM_TEST_COLUMN;
  });

  it('for model-extras.sql, a migration edited and rehashed, and branches', { timeout: 180_000 }, async () => {
    const p = tempProject(`${HEADER}${table('')}`);
    const options = p.optionsFor(db.url);
    await generate({ ...options, name: 'baseline' });

    // model-extras.sql edited by hand.
    expect(await sameAnswers(p)).toMatchObject({ changed: false });
    writeFileSync(join(p.dir, 'model-extras.sql'), 'CREATE INDEX grid_extra ON grid (uuid);\n');
    expect(await sameAnswers(p)).toMatchObject({ changed: true });
    rmSync(join(p.dir, 'model-extras.sql'));
    expect(await sameAnswers(p)).toMatchObject({ changed: false });

    // A migration edited by hand and rehashed: the folder's catalog is another.
    const baseline = readdirSync(p.migrations).find((f) => f.endsWith('_baseline'))!;
    const up = join(p.migrations, baseline, 'up.sql');
    const text = readFileSync(up, 'utf8');
    writeFileSync(
      up,
      text.replace('"uuid" character varying NOT NULL,', '"uuid" character varying NOT NULL, "edited" varchar,'),
    );
    hash(options);
    expect(await sameAnswers(p)).toMatchObject({ changed: true });
    writeFileSync(up, text);
    hash(options);

    // Branches: the model moves to another version and back, each answered right.
    const branchB = `${HEADER}${table(", b: varchar('b')")}`;
    const branchA = `${HEADER}${table('')}`;
    for (const [source, changed] of [
      [branchB, true],
      [branchA, false],
      [branchB, true],
    ] as const) {
      p.setSchema(source);
      expect(await sameAnswers(p)).toMatchObject({ changed });
    }
  });

  it('for random edits of the model, written one after another', { timeout: 180_000 }, async () => {
    const p = tempProject(`${HEADER}${table('')}`);
    const options = p.optionsFor(db.url);
    await generate({ ...options, name: 'baseline' });
    // A small deterministic generator: the same edits every run, so a failure can be replayed.
    let seed = 7;
    const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const columns: string[] = [];
    const types = ['varchar', 'integer', 'doublePrecision', 'timestamp'];
    const render = () =>
      `${HEADER}${table(columns.map((c) => `, ${c}`).join(''))}` + (columns.length > 1 ? '' : table('', 'side'));
    for (let step = 0; step < 4; step++) {
      const kind = columns.length === 0 ? 0 : next(3);
      if (kind === 0) columns.push(`c${step}: ${types[next(types.length)]}('c${step}')`);
      else if (kind === 1) columns.splice(next(columns.length), 1);
      else {
        const i = next(columns.length);
        const name = /^(\w+):/.exec(columns[i]!)![1]!;
        columns[i] = `${name}: ${types[next(types.length)]}('${name}')`;
      }
      p.setSchema(render());
      await sameAnswers(p);
      // Written, as a developer would: the next edit starts from it.
      await generate({
        ...options,
        schema: p.schema,
        name: `step_${step}`,
        allowDataLoss: true,
        plain: 'test tables are empty',
      });
    }
  });
});
