import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../src/files/project-store.js';
import { loadModel } from '../../src/drizzle-model/model-statements.js';
import { rememberedStatements, rememberStatements } from '../../src/drizzle-model/remembered-model.js';
import { HEADER, tempProject } from '../support/temp-project.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("a model's remembered statements", () => {
  it('are keyed by every file they depend on: the model, model-extras.sql, drizzle-orm, drizzle-kit and esbuild', async () => {
    const p = tempProject(`${HEADER}export const grid = pgTable('grid', { uuid: varchar('uuid').primaryKey() });\n`);
    const loaded = await loadModel(p.dir, p.schema);
    const files = loaded.files!;
    expect(files).toEqual(
      expect.arrayContaining([
        p.schema,
        join(p.dir, 'model-extras.sql'),
        expect.stringMatching(/node_modules\/drizzle-kit\/api\.js$/),
        expect.stringMatching(/node_modules\/drizzle-kit\/package\.json$/),
        expect.stringMatching(/node_modules\/esbuild\/package\.json$/),
        expect.stringMatching(/node_modules\/drizzle-orm\/package\.json$/),
        expect.stringMatching(/node_modules\/drizzle-orm\/pg-core\/table\.cjs$/),
      ]),
    );
  });

  it('are given back only while every one of those files, the model path, the environment and our code are as they were', () => {
    const dir = mkdtempSync(join(tmpdir(), 'smartem-db-test-'));
    dirs.push(dir);
    const store = new Store(join(dir, 'store'));
    const files = ['a.ts', 'pkg.json', 'absent.sql'].map((f) => join(dir, f));
    writeFileSync(files[0]!, 'one');
    writeFileSync(files[1]!, '{ "version": "0.31.0" }');
    const ctx = { code: 'v1', schemaPath: files[0]!, cwd: dir, env: { A: '1' } };
    rememberStatements(store, ctx, { statements: ['CREATE TABLE t ()'], files });
    expect(rememberedStatements(store, ctx)).toEqual(['CREATE TABLE t ()']);
    // A model that reads what cannot be named is never remembered.
    rememberStatements(store, { ...ctx, schemaPath: 'other' }, { statements: ['x'], files: null });
    expect(rememberedStatements(store, { ...ctx, schemaPath: 'other' })).toBeNull();
    for (const changed of [
      { ...ctx, code: 'v2' },
      { ...ctx, schemaPath: join(dir, 'b.ts') },
      { ...ctx, env: { A: '2' } },
      { ...ctx, cwd: join(dir, 'sub') },
    ])
      expect(rememberedStatements(store, changed), JSON.stringify(changed)).toBeNull();
    // Another version of a package (its package.json), a file appearing, a file edited.
    writeFileSync(files[1]!, '{ "version": "0.25.0" }');
    expect(rememberedStatements(store, ctx)).toBeNull();
    writeFileSync(files[1]!, '{ "version": "0.31.0" }');
    expect(rememberedStatements(store, ctx)).toEqual(['CREATE TABLE t ()']);
    writeFileSync(files[2]!, 'CREATE INDEX ...');
    expect(rememberedStatements(store, ctx)).toBeNull();
    rmSync(files[2]!);
    writeFileSync(files[0]!, 'two');
    expect(rememberedStatements(store, ctx)).toBeNull();
  });
});
