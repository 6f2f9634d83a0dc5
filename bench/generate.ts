// db:generate against drizzle-kit generate, as whole commands: the SmartEM baseline from an empty
// folder, nothing to write, one new column to write (and, for us, prove), the everyday loop of
// edit and generate (the folder grows each time), check --model-only and diff (which answer the
// same question without writing), with a server and with no server (PGlite), and the same on
// generated models of 200 and 1000 tables.
// smartem-db does more: it replays the folder and the model on scratch databases and proves the
// migration both ways; drizzle-kit compares JSON snapshots and writes only an up migration.
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hash } from '../src/api.js';
import { compare, databaseLifeMs, peakMemoryMb, runCommand, SERVER } from './support.js';
import { withoutServer } from '../test/support/no-server-env.js';

const ROOT = join(import.meta.dirname, '..');
// The installed CLI, as `npm run db:generate` runs it: each command a process of its own.
const CLI = join(ROOT, 'bin/smartem-db.js');
const KIT = join(ROOT, 'node_modules/drizzle-kit/bin.cjs');
const ENV = { ...process.env, DATABASE_URL: SERVER };
// No server anywhere: scratch databases are in-memory PGlite.
const NO_SERVER = withoutServer();
/** A row's label prefix and its environment: with a server and without. */
const OWN_PROCESS = [
  ['', ENV],
  ['no server (PGlite): ', NO_SERVER],
] as const;

/** One project for both tools: a model (its own copy, so it can change), our folder and theirs. */
interface Project {
  dir: string;
  schema: string;
  ours: string;
  theirs: string;
  config: string;
}

function project(work: string, name: string, files: Record<string, string>, entry: string): Project {
  const dir = join(work, name);
  mkdirSync(join(dir, 'model'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, 'model', file), text);
  const p = {
    dir,
    schema: join(dir, 'model', entry),
    ours: join(dir, 'ours'),
    theirs: join(dir, 'theirs'),
    config: join(dir, 'drizzle.config.mjs'),
  };
  mkdirSync(p.ours);
  writeFileSync(
    p.config,
    // drizzle-kit reads an absolute `out` as relative (and fails, with exit code 0): relative to the project.
    `export default { dialect: 'postgresql', schema: './model/${entry}', out: './theirs' };\n`,
  );
  return p;
}

/** The SmartEM model, copied with model-extras.sql. */
function smartemFiles(): Record<string, string> {
  const dir = join(ROOT, 'schema');
  return Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

/** The introspection bench's SmartEM-shaped model of n tables, as a source file. */
function syntheticFiles(n: number): Record<string, string> {
  const lines = [
    "import { boolean, doublePrecision, index, integer, pgEnum, pgTable, timestamp, varchar } from 'drizzle-orm/pg-core';",
    "export const status = pgEnum('bench_status', ['NONE', 'STARTED', 'COMPLETED']);",
  ];
  for (let i = 0; i < n; i++) {
    const parent = i === 0 ? "varchar('parent_uuid')" : `varchar('parent_uuid').references(() => t${i - 1}.uuid)`;
    lines.push(
      `export const t${i} = pgTable('bench_table_${i}', {`,
      "  uuid: varchar('uuid').primaryKey(),",
      `  parentUuid: ${parent},`,
      "  name: varchar('name').notNull().default(''),",
      "  status: status('status').default('NONE'),",
      "  value: doublePrecision('value'),",
      "  count: integer('count').notNull().default(0),",
      "  selected: boolean('selected'),",
      "  createdAt: timestamp('created_at').notNull().defaultNow(),",
      `}, (t) => [index('ix_bench_${i}_parent').on(t.parentUuid), index('ix_bench_${i}_created').on(t.createdAt)]);`,
    );
  }
  return { 'index.ts': `${lines.join('\n')}\n` };
}

/** The model with one more column in its first table (acquisition; bench_table_0). */
function addColumn(p: Project, file: string, after: string, name = 'operator_name'): void {
  const path = join(p.dir, 'model', file);
  const text = readFileSync(path, 'utf8');
  if (!text.includes(after)) throw new Error(`bench: ${after} not in ${file}`);
  const column = `  ${name.replace(/_(.)/g, (_, c: string) => c.toUpperCase())}: varchar('${name}'),`;
  writeFileSync(path, text.replace(after, `${after}\n${column}`));
}

const ours = (p: Project, extra: string[] = [], env: NodeJS.ProcessEnv = ENV) =>
  runCommand(
    process.execPath,
    [CLI, 'generate', '-m', 'bench', '--migrations', p.ours, '--schema', p.schema, '--quiet', '--no-prompt', ...extra],
    { env, cwd: p.dir },
  );
/** check --model-only or diff, on the same project. */
const oursOther = (p: Project, command: string[], env: NodeJS.ProcessEnv = ENV) =>
  runCommand(process.execPath, [CLI, ...command, '--migrations', p.ours, '--schema', p.schema, '--quiet'], {
    env,
    cwd: p.dir,
  });
const CHECK = ['check', '--model-only'];
const DIFF = ['diff', '--from', 'migrations', '--to', 'schema'];
const theirs = (p: Project) =>
  runCommand(process.execPath, [KIT, 'generate', `--config=${p.config}`, '--name=bench'], {
    env: ENV,
    cwd: p.dir,
    expect: /Your SQL migration file|No schema changes/,
  });

/** compare() of a command of ours against drizzle-kit generate on the same project. */
const vsKit = (
  p: Project,
  label: string,
  run: () => void,
  rounds: number,
  warmup: number,
  before?: { ours?: () => unknown; theirs?: () => unknown },
) =>
  compare(
    label,
    async () => run(),
    async () => theirs(p),
    rounds,
    warmup,
    before,
  );

/** Puts both folders back as they were once the baseline was written (untimed, between calls). */
function resetters(p: Project) {
  const oursBefore = new Set(readdirSync(p.ours));
  const theirsCopy = `${p.theirs}.baseline`;
  if (existsSync(p.theirs)) cpSync(p.theirs, theirsCopy, { recursive: true });
  else mkdirSync(theirsCopy);
  return {
    ours: () => {
      for (const f of readdirSync(p.ours)) if (!oursBefore.has(f)) rmSync(join(p.ours, f), { recursive: true });
      if (oursBefore.size) hash({ migrationsFolder: p.ours, env: {} });
    },
    theirs: () => {
      rmSync(p.theirs, { recursive: true, force: true });
      cpSync(theirsCopy, p.theirs, { recursive: true });
    },
  };
}

export async function benchGenerate(calls: number): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'generate-bench-'));
  try {
    const fresh = project(work, 'fresh', smartemFiles(), 'index.ts');
    const reset = resetters(fresh);
    await vsKit(fresh, 'generate the SmartEM baseline vs drizzle-kit generate', () => ours(fresh), calls, 1, reset);

    const smartem = project(work, 'smartem', smartemFiles(), 'index.ts');
    ours(smartem);
    theirs(smartem);
    await vsKit(smartem, 'nothing to do vs drizzle-kit generate', () => ours(smartem), calls, 1);
    await vsKit(smartem, 'nothing to do, --no-cache, vs drizzle-kit', () => ours(smartem, ['--no-cache']), calls, 1);
    await vsKit(
      smartem,
      'no server (PGlite), nothing to do, vs drizzle-kit',
      () => ours(smartem, [], NO_SERVER),
      calls,
      1,
    );
    await vsKit(
      smartem,
      'no server (PGlite), nothing to do, --no-cache, vs drizzle-kit',
      () => ours(smartem, ['--no-cache'], NO_SERVER),
      Math.min(calls, 3),
      0,
    );
    // check --model-only and diff answer what generate answers (do the migrations make the
    // model?), without writing: drizzle-kit's nearest is generate with nothing to do.
    for (const [name, command] of [
      ['check --model-only', CHECK],
      ['diff migrations to schema', DIFF],
    ] as const) {
      await vsKit(
        smartem,
        `${name}, nothing to do, vs drizzle-kit generate`,
        () => oursOther(smartem, [...command]),
        calls,
        1,
      );
      await vsKit(
        smartem,
        `${name}, --no-cache, vs drizzle-kit generate`,
        () => oursOther(smartem, [...command, '--no-cache']),
        Math.min(calls, 3),
        0,
      );
      await vsKit(
        smartem,
        `no server (PGlite), ${name}, vs drizzle-kit generate`,
        () => oursOther(smartem, [...command], NO_SERVER),
        Math.min(calls, 3),
        1,
      );
    }
    addColumn(smartem, 'core.ts', "  computerName: varchar('computer_name'),");
    const back = resetters(smartem);
    await vsKit(smartem, 'one new column, written and proved, vs drizzle-kit', () => ours(smartem), calls, 1, back);
    const life = await databaseLifeMs();
    console.log(
      `${'  the server now: CREATE DATABASE, DROP DATABASE'.padEnd(58)} ${life.create.toFixed(0)} ms, ${life.drop.toFixed(0)} ms (medians of 5; each command that writes makes and drops one)`,
    );
    await vsKit(
      smartem,
      'one new column, --no-cache, vs drizzle-kit',
      () => ours(smartem, ['--no-cache']),
      Math.min(calls, 3),
      0,
      back,
    );
    await vsKit(
      smartem,
      'no server (PGlite), one new column, vs drizzle-kit',
      () => ours(smartem, [], NO_SERVER),
      Math.min(calls, 3),
      1,
      back,
    );

    // Peak memory of one new column, no server (PGlite in the process) and with one, against drizzle-kit's.
    for (const [prefix, env] of OWN_PROCESS) {
      back.ours();
      const mine = peakMemoryMb(
        [
          CLI,
          'generate',
          '-m',
          'bench',
          '--migrations',
          smartem.ours,
          '--schema',
          smartem.schema,
          '--quiet',
          '--no-prompt',
        ],
        { env, cwd: smartem.dir },
      );
      back.theirs();
      const kit = peakMemoryMb([KIT, 'generate', `--config=${smartem.config}`, '--name=bench'], {
        env: ENV,
        cwd: smartem.dir,
        expect: /Your SQL migration file|No schema changes/,
      });
      console.log(
        `${`${prefix}one new column, peak memory`.padEnd(58)} smartem-db ${mine} MB   peer ${kit} MB   ratio ${(mine / kit).toFixed(2)}`,
      );
    }

    // The everyday loop: edit the model, generate, edit again: the folder grows by a migration
    // each time (nothing is put back), so the folder's state is never the one kept last time.
    back.ours();
    back.theirs();
    let edits = 0;
    const edit = () => addColumn(smartem, 'core.ts', `  computerName: varchar('computer_name'),`, `edit_${edits++}`);
    await vsKit(
      smartem,
      'edit, generate, edit again (the folder grows), vs drizzle-kit',
      () => ours(smartem),
      calls,
      1,
      { ours: edit },
    );
    await vsKit(
      smartem,
      'no server (PGlite), edit, generate, edit again, vs drizzle-kit',
      () => ours(smartem, [], NO_SERVER),
      Math.min(calls, 3),
      1,
      { ours: edit },
    );
    // A change diff prints (and generate would write): the model one column ahead of the folder.
    addColumn(smartem, 'core.ts', "  computerName: varchar('computer_name'),", 'diff_only');
    for (const [prefix, env] of OWN_PROCESS) {
      await vsKit(
        smartem,
        `${prefix}diff, one new column, vs drizzle-kit generate`,
        () => oursOther(smartem, DIFF, env),
        env === NO_SERVER ? Math.min(calls, 3) : calls,
        1,
      );
    }

    for (const n of (process.env.BENCH_GENERATE_TABLES ?? '200').split(',').map(Number)) {
      // At 1000 tables a one-migration baseline's down.sql needs more locks than one
      // transaction may hold on a default server (max_locks_per_transaction 64): the history is
      // two migrations of half the tables each, as a schema that grew would have.
      const halves = n >= 1000 ? [syntheticFiles(n / 2)] : [];
      const big = project(work, `tables-${n}`, halves[0] ?? syntheticFiles(n), 'index.ts');
      ours(big);
      theirs(big);
      if (halves.length) {
        writeFileSync(big.schema, syntheticFiles(n)['index.ts']!);
        ours(big);
        theirs(big);
      }
      const rounds = n >= 1000 ? Math.min(calls, 3) : calls;
      await vsKit(big, `${n} tables, nothing to do, vs drizzle-kit`, () => ours(big), rounds, 1);
      addColumn(big, 'index.ts', "  selected: boolean('selected'),");
      const r = resetters(big);
      await vsKit(
        big,
        `${n} tables, one new column, written and proved, vs drizzle-kit`,
        () => ours(big),
        rounds,
        1,
        r,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
