import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { importBundledModel } from '../../src/drizzle-model/bundle-model.js';
import { modelDdl } from '../../src/drizzle-model/model-ddl.js';
import { HEADER, tempProject } from '../support/temp-project.js';

describe('importBundledModel: a TypeScript model bundled with esbuild, as drizzle-kit loads it', () => {
  it('keeps each file its own import.meta and require, names the files it is made of, and leaves nothing behind', async () => {
    const p = tempProject(
      `${HEADER}import { where } from './where.js';\nexport { where };\n` +
        "export const grid = pgTable('grid', { uuid: varchar('uuid').primaryKey(), name: varchar('name') });\n",
    );
    writeFileSync(
      join(p.dir, 'where.ts'),
      "const path: typeof import('node:path') = require('node:path');\n" +
        'export const where = { url: import.meta.url, dirname: import.meta.dirname, base: path.basename(import.meta.filename) };\n',
    );
    const bundled = await importBundledModel(p.schema);
    expect(bundled).not.toBeNull();
    const model = bundled!.module;
    expect(model.where).toEqual({
      url: pathToFileURL(join(p.dir, 'where.ts')).href,
      dirname: p.dir,
      base: 'where.ts',
    });
    expect(await modelDdl(model)).toEqual([expect.stringContaining('CREATE TABLE "grid"')]);
    // Its own files, and drizzle-orm's; node:path reads nothing, so the files say it all.
    expect(bundled!.files).toEqual(
      expect.arrayContaining([p.schema, join(p.dir, 'where.ts'), join(p.dir, 'node_modules/drizzle-orm/package.json')]),
    );
    expect(readdirSync(p.dir).filter((f) => f.includes('smartem-db'))).toEqual([]);
  });

  it('gives way (null) to tsx when esbuild cannot bundle the model, so tsx reports the error', async () => {
    const p = tempProject(`${HEADER}import { nothing } from './missing.js';\nexport const x = nothing;\n`);
    expect(await importBundledModel(p.schema)).toBeNull();
  });

  it('loads as CommonJS, sharing drizzle-orm with drizzle-kit, unless the model needs ESM (top-level await, import.meta.resolve)', async () => {
    const table = "export const grid = pgTable('grid', { uuid: varchar('uuid').primaryKey() });\n";
    const kit = createRequire(import.meta.url)('drizzle-orm/pg-core') as { PgTable: unknown };
    const cases = [
      { extra: '', shared: true },
      { extra: 'export const waited = await Promise.resolve(42);\n', shared: false },
      { extra: "export const resolved = import.meta.resolve('drizzle-orm');\n", shared: false },
    ];
    for (const { extra, shared } of cases) {
      const p = tempProject(
        `${HEADER}import { PgTable } from 'drizzle-orm/pg-core';\nexport const kind = PgTable;\n${table}${extra}`,
      );
      const model = (await importBundledModel(p.schema))?.module;
      expect(model, extra).toBeDefined();
      // The same class as a require of drizzle-orm gets (drizzle-kit's) only when required.
      expect(model!.kind === kit.PgTable, extra).toBe(shared);
      expect(await modelDdl(model!)).toEqual([expect.stringContaining('CREATE TABLE "grid"')]);
      if (extra.includes('await')) expect(model!.waited).toBe(42);
      // (Under vitest an imported module's import.meta.resolve is vite's, and undefined.)
      if (extra.includes('import.meta.resolve')) expect(Object.keys(model!)).toContain('resolved');
      expect(readdirSync(p.dir).filter((f) => f.includes('smartem-db'))).toEqual([]);
    }
  });
});
