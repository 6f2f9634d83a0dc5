import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readHintsFile } from '../../src/generate/hints.js';
import { readDrizzleConfig } from '../../src/cli/drizzle-config.js';
import { exitCodeFor } from '../../src/cli/exit-codes.js';
import type { SmartemDbError } from '../../src/errors.js';
import { tempDir } from '../support/migrations-dir.js';

function fileWith(name: string, text: string): string {
  const path = join(tempDir(), name);
  writeFileSync(path, text);
  return path;
}

async function failure(promise: Promise<unknown>): Promise<SmartemDbError> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: SmartemDbError) => error,
  );
}

describe('a hints file', () => {
  it('is read: renames, acknowledged data loss and conversions for expand and contract', async () => {
    const path = fileWith(
      'hints.json',
      JSON.stringify({
        renameTables: { old: 'new' },
        renameColumns: { 'grid.name': 'title' },
        allowDataLoss: ['grid.notes'],
        conversions: { 'lab.grid.state': { up: "state = 'y'", down: "CASE WHEN state THEN 'y' ELSE 'n' END" } },
      }),
    );
    expect(await readHintsFile(path)).toEqual({
      tables: [{ schema: 'public', from: 'old', to: 'new' }],
      columns: [{ schema: 'public', table: 'grid', from: 'name', to: 'title' }],
      allowDataLoss: ['grid.notes'],
      conversions: [
        {
          schema: 'lab',
          table: 'grid',
          column: 'state',
          up: "state = 'y'",
          down: "CASE WHEN state THEN 'y' ELSE 'n' END",
        },
      ],
    });
  });

  it('that is wrong says which file and which fields, exit 2', async () => {
    const path = fileWith(
      'hints.json',
      JSON.stringify({ renameTable: { a: 'b' }, renameColumns: { 'grid.name': 3 }, allowDataLoss: 'grid.notes' }),
    );
    const error = await failure(readHintsFile(path));
    expect(error.code).toBe('BAD_HINT');
    expect(exitCodeFor(error.code)).toBe(2);
    expect(error.message).toContain(`The hints file ${path} is not valid:`);
    expect(error.message).toMatch(/renameColumns\.grid\.name: .*expected string/);
    expect(error.message).toMatch(/allowDataLoss: .*expected array/);
    expect(error.message).toMatch(/\(top\): Unrecognized key: "renameTable"/);
  });

  it('that is not JSON says so', async () => {
    const path = fileWith('hints.json', '{ renameTables: ');
    expect((await failure(readHintsFile(path))).message).toContain(`Cannot read the hints file ${path}`);
  });
});

describe('a drizzle.config (--config)', () => {
  it('gives schema, out and a URL from host, port, user, password and database', async () => {
    const dir = tempDir();
    const path = join(dir, 'drizzle.config.mjs');
    writeFileSync(
      path,
      "export default { dialect: 'postgresql', schema: ['./schema/index.ts'], out: './drizzle', strict: true, " +
        "dbCredentials: { host: 'db.example', port: 5433, user: 'smartem', password: 'p@ss', database: 'smartem', ssl: true } };\n",
    );
    expect(await readDrizzleConfig(path, dir)).toEqual({
      schema: join(dir, 'schema/index.ts'),
      out: join(dir, 'drizzle'),
      url: 'postgres://smartem:p%40ss@db.example:5433/smartem?sslmode=require',
    });
  });

  it('that is wrong names the file and each field at fault, never the password, exit 2', async () => {
    const cases: [string, RegExp][] = [
      ["dialect: 'mysql'", /dialect: smartem-db works with PostgreSQL only/],
      ["schema: ['./a.ts', './b.ts']", /schema: point schema at one module/],
      ['out: 42', /out: .*expected string/],
      [
        "dbCredentials: { host: 'h', password: 'Secr3t-pw' }",
        /dbCredentials: expected \{ url \} or \{ host, database \}/,
      ],
    ];
    for (const [fields, expected] of cases) {
      const path = fileWith('drizzle.config.mjs', `export default { ${fields} };\n`);
      const error = await failure(readDrizzleConfig(path, tempDir()));
      expect(error.code, fields).toBe('CONFIG_INVALID');
      expect(exitCodeFor(error.code)).toBe(2);
      expect(error.message, fields).toContain(`--config: ${path} is not valid:`);
      expect(error.message, fields).toMatch(expected);
      expect(error.message).not.toContain('Secr3t');
    }
  });
});
