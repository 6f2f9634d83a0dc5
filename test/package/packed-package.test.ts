// The package as an application installs it: `npm pack`, installed into a new TypeScript app that
// brings its own drizzle-orm (another version than ours) and postgres, then migrate() from its
// startup code, the model with the relational query API, strict type-checking, a CommonJS caller,
// and the CLI through npx. Run by `npm run test:package` (CI runs it after `npm test`).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMigrationsFolder } from '../../src/migrations/migration-folder.js';
import { useFreshDatabase } from '../support/fresh-database.js';
import { tempDir } from '../support/migrations-dir.js';
import { ROOT } from '../support/spawn.js';
import { withoutServer } from '../support/no-server-env.js';

const db = useFreshDatabase();
const ours = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  devDependencies: Record<string, string>;
};

function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
  /** Whether `env` adds to this process's environment (else it is the whole of it). */
  inherit = true,
): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(command, args, {
    cwd,
    env: inherit ? { ...process.env, ...env } : env,
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status ?? 1, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

const APP = `import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import * as api from 'smartem-db';
import { migrate, SmartemDbError } from 'smartem-db';
import type { CheckOptions, CommonOptions, DiffResult, Logger, MigrateOptions, RollbackTarget, RunResult, StatusReport } from 'smartem-db';
import * as schema from 'smartem-db/schema';
import type { Micrograph, NewMicrograph } from 'smartem-db/schema';
import { gridInsert, micrographSelect } from 'smartem-db/zod';

// As README shows it, under exactOptionalPropertyTypes.
const { ran, head } = await migrate({ url: process.env.DATABASE_URL });

const sql = postgres(process.env.DATABASE_URL!, { onnotice: () => {} });
const db = drizzle(sql, { schema });
await db.insert(schema.acquisition).values({ uuid: 'acq-1', name: 'session' });
await db.insert(schema.grid).values({ uuid: 'grid-1', acquisitionUuid: 'acq-1', name: 'grid' });
await db.insert(schema.gridsquare).values({ uuid: 'gs-1', gridUuid: 'grid-1', status: 'FOIL_HOLES_DECISION_STARTED' });
await db.insert(schema.foilhole).values({ uuid: 'fh-1', gridsquareUuid: 'gs-1' });
const row: NewMicrograph = { uuid: 'mic-1', foilholeUuid: 'fh-1', defocus: -1.5 };
await db.insert(schema.micrograph).values(row);
const tree = await db.query.acquisition.findMany({
  with: { grids: { with: { gridsquares: { with: { foilholes: { with: { micrographs: true } } } } } } },
});
const micrograph: Micrograph = tree[0]!.grids[0]!.gridsquares[0]!.foilholes[0]!.micrographs[0]!;
// API input checked against the same model: a status outside the enum is refused, a row read back passes.
const zod = { refused: gridInsert.safeParse({ uuid: 'g', name: 'x', status: 'MELTED' }).error?.issues.map((i) => i.path.join('.')), read: micrographSelect.safeParse(micrograph).success };
// Everything README shows, from the package as installed.
const shown = ['migrate', 'rollback', 'stamp', 'status', 'offlineSql', 'hash', 'generate', 'diff', 'erd', 'inspect', 'check', 'verify', 'lint', 'doctor', 'seed', 'adopt', 'rebase', 'restore', 'bundledMigrationsFolder'] as const;
const missing = shown.filter((name) => typeof api[name] !== 'function');
const target: RollbackTarget = { steps: 1 };
const logger: Logger = { info: () => {}, warn: () => {} };
const options: MigrateOptions & CommonOptions & CheckOptions = { url: process.env.DATABASE_URL, logger };
const typed: [RunResult | null, StatusReport | null, DiffResult | null] = [null, null, null];
console.log(JSON.stringify({ ran: ran.map((r) => r.id), head, defocus: micrograph.defocus, missing, target, error: new SmartemDbError('CONFIG_INVALID', 'x').code, zod, typed: typed.length, hasUrl: 'url' in options }));
await sql.end();
`;

const CJS = `const { migrate, bundledMigrationsFolder } = require('smartem-db');
migrate({ url: process.env.DATABASE_URL }).then((r) => console.log(JSON.stringify({ ran: r.ran.length, head: r.head, folder: bundledMigrationsFolder() })));
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
  },
  include: ['app.ts'],
};

/** The package packed, and a new application that installs it with `postgres` at `postgresRange`. */
function newApp(postgresRange: string): { work: string; app: string } {
  const work = tempDir();
  const packed = run('npm', ['pack', '--pack-destination', work, '--silent'], ROOT);
  expect(packed.code, packed.stderr).toBe(0);
  const tarball = join(
    work,
    readdirSync(work).find((f) => f.endsWith('.tgz'))!,
  );
  const files = run('tar', ['-tzf', tarball], work).stdout.split('\n');
  expect(files).toContain('package/dist/schema/model-extras.sql');
  expect(files).toContain('package/drizzle/smartem.sum');
  expect(files.some((f) => f.startsWith('package/src/') || f.startsWith('package/test/'))).toBe(false);

  const app = join(work, 'app');
  run('mkdir', ['-p', app], work);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({
      name: 'smartem-app',
      private: true,
      type: 'module',
      dependencies: {
        'smartem-db': `file:${tarball}`,
        'drizzle-orm': '0.44.7',
        postgres: postgresRange,
        'drizzle-zod': ours.devDependencies['drizzle-zod'],
      },
      devDependencies: {
        typescript: ours.devDependencies.typescript,
        '@types/node': ours.devDependencies['@types/node'],
        'drizzle-kit': ours.devDependencies['drizzle-kit'],
        tsx: ours.devDependencies.tsx,
        'libpg-query': ours.devDependencies['libpg-query'],
      },
    }),
  );
  const install = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], app);
  expect(install.code, install.stderr).toBe(0);
  // One drizzle-orm, the app's: smartem-db brings none of its own.
  expect(existsSync(join(app, 'node_modules/smartem-db/node_modules/drizzle-orm'))).toBe(false);
  // The startup path needs none of the developer tools' weight beyond what the app chose.
  expect(existsSync(join(app, 'node_modules/@electric-sql/pglite'))).toBe(false);

  return { work, app };
}

/** The README's startup code (APP) type-checked strictly and run: migrate(), the relational query, every documented export. */
function runReadmeApp(app: string, env: NodeJS.ProcessEnv) {
  writeFileSync(join(app, 'app.ts'), APP);
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(TSCONFIG));
  const tsc = run(process.execPath, [join(app, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], app);
  expect(tsc.stdout + tsc.stderr).toBe('');
  const started = run(process.execPath, ['--import', 'tsx', 'app.ts'], app, env);
  expect(started.code, started.stderr).toBe(0);
  const result = JSON.parse(started.stdout) as { ran: string[]; head: string; defocus: number; missing: string[] };
  const shipped = readMigrationsFolder(join(ROOT, 'drizzle')).migrations.map((m) => m.id);
  expect(result.ran).toEqual(shipped);
  expect(result.ran[0]).toMatch(/-001_smartem_baseline$/);
  expect(result.head).toBe(shipped.at(-1));
  expect(result.defocus).toBe(-1.5);
  expect(result).toMatchObject({ missing: [], error: 'CONFIG_INVALID', zod: { refused: ['status'], read: true } });
  return result;
}

/**
 * The installed CLI's status and check on the database the app migrated: nothing pending, and the
 * shipped model (with model-extras.sql) exactly what the shipped migrations build.
 */
function statusAndCheckAtHead(npx: (...args: string[]) => ReturnType<typeof run>): void {
  const status = npx('status', '--json');
  expect(status.code, status.stderr).toBe(0);
  expect(JSON.parse(status.stdout)).toMatchObject({ pending: 0, problems: [] });
  const check = npx('check', '--json'); // the app's DATABASE_URL: the configured database is checked
  expect(check.code, check.stdout + check.stderr).toBe(0);
  expect(JSON.parse(check.stdout)).toMatchObject({ model: { ok: true }, database: { ok: true } });
}

describe('the packed package in a new application', () => {
  it("installs and migrates next to postgres.js 4, as the README's install line gets it today", async () => {
    const { app } = newApp('^4.2.0');
    expect(
      (JSON.parse(readFileSync(join(app, 'node_modules/postgres/package.json'), 'utf8')) as { version: string })
        .version,
    ).toMatch(/^4\./);
    const env = { DATABASE_URL: db.url };
    runReadmeApp(app, env);
    const npx = (...args: string[]) => run('npx', ['--no-install', 'smartem-db', ...args], app, env);
    statusAndCheckAtHead(npx);
    // Deployed without the developer tools (npm ci --omit=dev): the CLI that migrates needs none
    // of them, and one that does says which to install.
    for (const tool of ['libpg-query', 'drizzle-kit', 'tsx'])
      rmSync(join(app, 'node_modules', tool), { recursive: true, force: true });
    const status = npx('status', '--json');
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ pending: 0 });
    const back = npx('downgrade', '-1', '--yes', '--json');
    expect(back.code, back.stdout + back.stderr).toBe(0);
    const again = npx('upgrade', '--json');
    expect(again.code, again.stdout + again.stderr).toBe(0);
    const lint = npx('lint', '--all', '--json');
    expect(lint.code).toBe(2);
    expect(JSON.parse(lint.stdout)).toMatchObject({
      error: { code: 'MISSING_DEPENDENCY', message: expect.stringContaining('npm install --save-dev libpg-query') },
    });
  });

  it('installs with one drizzle-orm, migrates from startup, type-checks strictly, loads from CommonJS, and its CLI works', async () => {
    const { app } = newApp(ours.devDependencies.postgres!);
    const env = { DATABASE_URL: db.url };
    const result = runReadmeApp(app, env);

    writeFileSync(join(app, 'start.cjs'), CJS);
    const cjs = run(process.execPath, ['start.cjs'], app, env);
    expect(cjs.code, cjs.stderr).toBe(0);
    expect(JSON.parse(cjs.stdout)).toMatchObject({
      ran: 0,
      head: result.head,
      folder: join(app, 'node_modules/smartem-db/drizzle'),
    });

    const npx = (...args: string[]) => run('npx', ['--no-install', 'smartem-db', ...args], app, env);
    expect(npx('--version').stdout.trim()).toMatch(/^smartem-db \d+\.\d+\.\d+/);
    statusAndCheckAtHead(npx);

    // The app's own model, split over two files: "no changes" is answered from the project's store
    // without loading the model (its files are what they were), and an edit to the imported file is seen.
    const columns = (extra: string) =>
      writeFileSync(
        join(app, 'columns.ts'),
        `import { varchar } from 'drizzle-orm/pg-core';\nexport const columns = { uuid: varchar('uuid').primaryKey()${extra} };\n`,
      );
    columns('');
    writeFileSync(
      join(app, 'model.ts'),
      "import { pgTable } from 'drizzle-orm/pg-core';\nimport { columns } from './columns.js';\nexport const sample = pgTable('sample', columns);\n",
    );
    let said = '';
    const generate = (name: string) => {
      const out = npx('generate', '-m', name, '--schema', 'model.ts', '--migrations', 'own', '--json');
      expect(out.code, out.stderr).toBe(0);
      said = out.stderr;
      return JSON.parse(out.stdout) as { id: string | null; cached: boolean };
    };
    expect(generate('baseline').id).not.toBeNull();
    expect(generate('again')).toMatchObject({ id: null, cached: true });
    expect(said).toContain("The model's files are as they were");
    columns(", note: varchar('note')");
    expect(generate('note').id).toMatch(/-002_note$/);
    // Without a server (PGlite scratch databases) it gives the same migration, and the model's
    // errors still name the model and keep their code, with nothing written.
    const noServer = withoutServer();
    const embedded = (...args: string[]) =>
      run(
        'npx',
        ['--no-install', 'smartem-db', 'generate', '--schema', 'model.ts', ...args, '--json'],
        app,
        noServer,
        false,
      );
    columns(", note: varchar('note'), more: varchar('more')");
    // PGlite is an optional peer dependency: said by name until the developer installs it.
    const missing = embedded('-m', 'more', '--migrations', 'own');
    expect(missing.code).not.toBe(0);
    expect(JSON.parse(missing.stdout)).toMatchObject({
      error: {
        code: 'MISSING_DEPENDENCY',
        message: expect.stringContaining('npm install --save-dev @electric-sql/pglite'),
      },
    });
    const pglite = `@electric-sql/pglite@${ours.devDependencies['@electric-sql/pglite']}`;
    const added = run(
      'npm',
      ['install', '--save-dev', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', pglite],
      app,
    );
    expect(added.code, added.stderr).toBe(0);
    const aside = embedded('-m', 'more', '--migrations', 'own');
    expect(aside.code, aside.stderr).toBe(0);
    expect((JSON.parse(aside.stdout) as { id: string }).id).toMatch(/-003_more$/);
    expect(
      readFileSync(
        join(
          app,
          'own',
          readdirSync(join(app, 'own')).find((f) => f.endsWith('_more'))!,
          'up.sql',
        ),
        'utf8',
      ),
    ).toContain('ADD COLUMN "more" character varying');
    writeFileSync(join(app, 'columns.ts'), "throw new Error('columns.ts is half edited');\n");
    const broken = embedded('-m', 'broken', '--migrations', 'own');
    expect(broken.code).not.toBe(0);
    const error = (JSON.parse(broken.stdout) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('SCHEMA_LOAD_FAILED');
    expect(error.message).toContain(join(app, 'model.ts'));
    expect(error.message).toContain('columns.ts is half edited');
    expect(readdirSync(join(app, 'own')).filter((f) => f.includes('broken'))).toEqual([]);

    // The same question twice: the second answer comes from the project's store, and is the same.
    columns(", note: varchar('note'), more: varchar('more'), last: varchar('last')");
    const cli = (...args: string[]) => run('npx', ['--no-install', 'smartem-db', ...args], app, noServer, false);
    const CHECK = ['check', '--model-only', '--schema', 'model.ts', '--migrations', 'own', '--json', '--quiet'];
    const first = cli(...CHECK);
    expect(first.code, first.stderr).toBe(6);
    expect(first.stdout).toContain('last');
    const again = cli(...CHECK);
    expect(again.code).toBe(6);
    expect(JSON.parse(again.stdout)).toMatchObject({ ...JSON.parse(first.stdout), model: { cached: true } });
    expect(readdirSync(join(app, '.smartem-db', 'store')).length).toBeGreaterThan(0);
  });
});
