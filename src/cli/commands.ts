import {
  adopt,
  check,
  doctor,
  seed as seedAll,
  rebase,
  restore,
  diff,
  generate,
  hash,
  inspect,
  lint,
  migrate,
  offlineSql,
  rollback,
  stamp,
  status,
  verify,
} from '../api.js';
import { configOf, openMigrationsFolder, type CommonOptions } from '../options.js';
import { parseRollbackTarget } from '../migrations/targets.js';
import { EXIT } from './exit-codes.js';
import {
  formatCheck,
  formatLint,
  formatRun,
  formatStatus,
  formatVerify,
  githubAnnotations,
  lintProblems,
} from './format.js';
import { formatDoctor } from './format-doctor.js';
import type { CliValues } from './options.js';
import { keyOf } from '../catalog/qualified-name.js';
import type { CliIo } from './cli-io.js';

/** What every command gets: its arguments, the parsed options, and how to print. */
interface CommandContext {
  args: string[];
  values: CliValues;
  common: CommonOptions;
  json: boolean;
  /** Prints the text, or the data as JSON with --json. */
  print: (text: string, data: unknown) => void;
  usage: (message: string) => number;
  /** Whether stderr is a terminal that takes colour. */
  colour?: boolean;
  /** The terminal: what the command writes goes here, never to process.stdout. */
  io: CliIo;
}

// One plain function per verb, each a thin call into the API (like Alembic's command.py).

async function upgradeCommand({ args, values, common, print, usage, io }: CommandContext): Promise<number> {
  if (args.length > 1) return usage('upgrade takes at most one target.');
  if (values.sql) {
    io.out(await offlineSql({ ...common, direction: 'up', to: args[0], from: values.from }));
    return EXIT.ok;
  }
  const result = await migrate({
    ...common,
    to: args[0],
    allowOutOfOrder: values['allow-out-of-order'],
    resume: values.resume,
    backup: values.backup || values['backup-dir'] ? { dir: values['backup-dir'] } : undefined,
  });
  print(formatRun(result, 'upgrade'), result);
  return EXIT.ok;
}

async function downgradeCommand({ args, values, common, print, usage, io }: CommandContext): Promise<number> {
  const target = args[0];
  if (!target || args.length > 1) return usage('downgrade takes one target: -N, a migration id, or base.');
  const parsedTarget = parseRollbackTarget(target);
  if (values.sql) {
    io.out(await offlineSql({ ...common, direction: 'down', target: parsedTarget, from: values.from }));
    return EXIT.ok;
  }
  const interactive = !values.yes && io.stdinIsTTY && io.stderrIsTTY;
  const result = await rollback(parsedTarget, {
    ...common,
    allowDataLoss: values.yes,
    confirmDataLoss: interactive
      ? (objects) => io.ask(`Rolling back drops data: ${objects.join(', ')}. Roll back anyway?`)
      : undefined,
  });
  print(formatRun(result, 'downgrade'), result);
  return EXIT.ok;
}

async function currentCommand({ common, print }: CommandContext): Promise<number> {
  const report = await status(common);
  const text = report.head ? `${report.head}${report.head === report.latest ? ' (head)' : ''}` : 'base';
  print(text, { head: report.head, latest: report.latest, database: report.database });
  return EXIT.ok;
}

async function historyCommand({ values, common, print }: CommandContext): Promise<number> {
  const folder = openMigrationsFolder(common, configOf(common), { verify: false });
  const list = [...folder.migrations].reverse();
  const text = list
    .map((m, i) => {
      const line = `${m.parent ?? '<base>'} -> ${m.id}${i === 0 ? ' (head)' : ''}`;
      if (!values.verbose) return line;
      return [
        line,
        `    up:          ${m.up.file}${m.up.transactional ? '' : ' (no transaction)'}`,
        `    down:        ${m.down ? `${m.down.file}${m.down.transactional ? '' : ' (no transaction)'}` : 'none'}`,
        `    checksum:    ${m.checksum}`,
      ].join('\n');
    })
    .join('\n');
  print(
    text || 'No migrations.',
    list.map((m) => ({
      id: m.id,
      parent: m.parent ?? null,
      transactional: m.up.transactional,
      hasDown: !!m.down,
      checksum: m.checksum,
    })),
  );
  return EXIT.ok;
}

async function statusCommand({ common, print }: CommandContext): Promise<number> {
  const report = await status(common);
  print(formatStatus(report), report);
  return report.problems.length > 0 ? EXIT.integrity : EXIT.ok;
}

async function stampCommand({ args, common, print, usage }: CommandContext): Promise<number> {
  if (args.length !== 1) return usage('stamp takes one target: a migration id, head, or base.');
  const result = await stamp(args[0]!, common);
  print(`Stamped ${result.database} at ${result.head ?? 'base'}; no SQL was run.`, result);
  return EXIT.ok;
}

async function generateCommand({ values, common, json, print, usage, io }: CommandContext): Promise<number> {
  // performance.now() counts from the process's start: node, the CLI's modules, the arguments.
  const startedMs = performance.now();
  if (!values.message) return usage('generate needs -m "what the migration does".');
  const interactive = !values['no-prompt'] && !json && io.stdinIsTTY && io.stderrIsTTY;
  const result = await generate({
    ...common,
    name: values.message,
    schema: values.schema,
    fromDb: values['from-db'],
    renames: values.rename,
    renameTables: values['rename-table'],
    hintsFile: values.hints,
    allowDataLoss: values['allow-data-loss'],
    online: values.online,
    plain: values.plain,
    empty: values.empty,
    shadowDatabaseUrl: values['shadow-url'],
    confirmRename: interactive ? (q) => io.ask(q) : undefined,
    cache: !values['no-cache'],
    timings: values.timings,
  });
  if (result.timings && !json) {
    const phases = [
      {
        phase: 'process start to the command',
        ms: Math.round(startedMs),
      },
      ...result.timings,
      {
        phase: 'all of it, from the process start',
        ms: Math.round(performance.now()),
      },
    ];
    const width = Math.max(...phases.map((t) => t.phase.length));
    io.err(
      `Timings (ms; phases side by side overlap):\n${phases.map((t) => `  ${t.phase.padEnd(width)} ${String(t.ms).padStart(6)}`).join('\n')}\n`,
    );
  }
  const text = result.id
    ? [
        result.proved
          ? `Wrote ${result.id}/up.sql and down.sql (${result.ops.length} change${result.ops.length === 1 ? '' : 's'}, proved on a scratch database).`
          : `Wrote an empty ${result.id}/up.sql and down.sql: write the SQL by hand, run \`smartem-db hash\`, and check it with \`smartem-db verify\`.`,
        ...result.hazards.map((h) => `  ${h.kind}: ${h.message}`),
        'Review both files, then commit them with smartem.sum.',
      ].join('\n')
    : `No changes: the migrations already produce the Drizzle model. Nothing was written.${result.cached ? ' (Both catalogs from .smartem-db/store: --no-cache works them out anew.)' : ''}`;
  print(text, {
    ...(result.timings ? { timings: result.timings } : {}),
    cached: result.cached ?? false,
    id: result.id,
    changes: result.ops.length,
    proved: result.proved,
    hazards: result.hazards,
    up: result.up,
    down: result.down,
  });
  return EXIT.ok;
}

async function diffCommand({ values, common, json, print, usage, io }: CommandContext): Promise<number> {
  if (!values.from || !values.to)
    return usage('diff needs --from and --to (migrations, schema, or a postgres:// URL).');
  const result = await diff({
    ...common,
    from: values.from,
    to: values.to,
    down: values.down,
    schema: values.schema,
    shadowDatabaseUrl: values['shadow-url'],
    cache: !values['no-cache'],
  });
  if (json) print('', { sql: result.sql, hazards: result.hazards });
  else io.out(result.sql || '-- No differences.\n');
  return EXIT.ok;
}

async function checkCommand({ values, common, print, io }: CommandContext): Promise<number> {
  const report = await check({
    ...common,
    db: values.db,
    modelOnly: values['model-only'],
    schema: values.schema,
    shadowDatabaseUrl: values['shadow-url'],
    cache: !values['no-cache'],
  });
  print(formatCheck(report), report);
  const files = [...report.folder, ...(report.database?.editedFiles ?? [])];
  if (process.env.GITHUB_ACTIONS === 'true') io.out(githubAnnotations(files));
  // A folder whose files differ from its manifest is an integrity problem, as everywhere else (exit 3).
  if (report.folder.length > 0) return EXIT.integrity;
  return !report.model.ok ? EXIT.modelDrift : report.database && !report.database.ok ? EXIT.databaseDrift : EXIT.ok;
}

async function verifyCommand({ values, common, print, io }: CommandContext): Promise<number> {
  const report = await verify({ ...common, shadowDatabaseUrl: values['shadow-url'], withData: values['with-data'] });
  print(formatVerify(report), report);
  const stair = report.stairway;
  const files = [
    ...report.problems,
    ...lintProblems(report.lint),
    ...(stair && !stair.ok && stair.file
      ? [{ file: stair.file, message: `${stair.step}: ${stair.details.join('; ')}` }]
      : []),
  ];
  if (process.env.GITHUB_ACTIONS === 'true') io.out(githubAnnotations(files));
  return report.ok ? EXIT.ok : EXIT.verifyFailed;
}

async function lintCommand({ values, common, print, usage, io }: CommandContext): Promise<number> {
  const small = values['small-table-rows'];
  if (small !== undefined && !/^\d+$/.test(small))
    return usage(`--small-table-rows takes a number of rows, not "${small}".`);
  const report = await lint({
    ...common,
    db: values.db,
    all: values.all,
    smallTableRows: small === undefined ? undefined : Number(small),
  });
  print(formatLint(report), report);
  if (process.env.GITHUB_ACTIONS === 'true') io.out(githubAnnotations(lintProblems(report)));
  return report.ok ? EXIT.ok : EXIT.lintFailed;
}

async function inspectCommand({ common, print }: CommandContext): Promise<number> {
  const model = await inspect(common);
  const columns = model.tables.reduce((n, t) => n + t.columns.length, 0);
  const text = [
    `schemas ${model.schemas.join(', ') || '(none)'}`,
    `${model.tables.length} tables, ${columns} columns, ${model.enums.length} enums, ${model.sequences.length} sequences, ${model.views.length} views`,
    ...model.tables.map(
      (t) =>
        `  ${keyOf(t)} (${t.columns.length} columns, ${t.indexes.length} indexes, ${t.foreignKeys.length} foreign keys)`,
    ),
  ].join('\n');
  print(text, model);
  return EXIT.ok;
}

async function adoptCommand({ values, common, print }: CommandContext): Promise<number> {
  const report = await adopt({
    ...common,
    apply: values.apply,
    allowDataLoss: values['allow-data-loss'],
    shadowDatabaseUrl: values['shadow-url'],
  });
  const lines = [report.message];
  if (report.differences.length)
    lines.push('', 'Differences from the baseline:', ...report.differences.map((d) => `  - ${d}`));
  if (report.catchUp && report.state === 'differs')
    lines.push('', '-- The SQL that catches it up (review it, then run adopt --apply):', report.catchUp.sql);
  print(lines.join('\n'), report);
  return report.state === 'differs' ? EXIT.databaseDrift : EXIT.ok;
}

async function restoreCommand({ args, values, common, print, usage, io }: CommandContext): Promise<number> {
  const file = args[0];
  if (!file) return usage('restore takes the backup file: smartem-db restore <file> --yes');
  const interactive = io.stdinIsTTY && io.stderrIsTTY;
  const sure =
    values.yes ||
    (interactive &&
      (await io.ask(`Replace everything in the database with the backup ${file}? Its current contents are lost.`)));
  if (!sure) return usage(`restore replaces everything in the database with ${file}: confirm with --yes.`);
  const restored = await restore(file, common);
  print(
    `Restored ${restored.database} from ${restored.file} in ${restored.durationMs} ms.` +
      (restored.previous ? ` Its data directory as it was is in ${restored.previous}.` : ''),
    restored,
  );
  return EXIT.ok;
}

async function rebaseCommand({ values, common, print }: CommandContext): Promise<number> {
  const report = await rebase({ ...common, onto: values.onto, shadowDatabaseUrl: values['shadow-url'] });
  print(report.message, report);
  return EXIT.ok;
}

async function doctorCommand({ values, common, json, print, colour, io }: CommandContext): Promise<number> {
  const report = await doctor({ ...common, shadowDatabaseUrl: values['shadow-url'], drift: !values['no-drift'] });
  print(formatDoctor(report, !json && io.stdoutIsTTY && colour !== false), report);
  return report.ok ? EXIT.ok : EXIT.doctorFoundErrors;
}

async function seedCommand({ values, common, print, usage }: CommandContext): Promise<number> {
  const number = (name: 'scale' | 'seed') => {
    const text = values[name];
    return text === undefined ? undefined : /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  };
  const [scale, seed] = [number('scale'), number('seed')];
  if (Number.isNaN(scale) || Number.isNaN(seed)) return usage('--scale and --seed take numbers.');
  if ((scale !== undefined || seed !== undefined) && !values.demo) return usage('--scale and --seed go with --demo.');
  const report = await seedAll({
    ...common,
    seeds: values.seeds,
    force: values.force,
    demo: values.demo ? { scale, seed } : undefined,
  });
  const lines = [`Seeded ${report.database}: ${report.modules.join('; ') || 'no seed modules'}.`];
  const demo = report.demo;
  if (demo && demo.loaded) {
    const counts = Object.entries(demo.rows).map(([table, n]) => `${table} ${n.toLocaleString('en')}`);
    lines.push(
      `Demo session (seed ${demo.shape.seed}, ${demo.shape.grids} grid${demo.shape.grids === 1 ? '' : 's'}): ${demo.total.toLocaleString('en')} rows in ${demo.seconds.toFixed(1)} s (${demo.rowsPerSecond.toLocaleString('en')} rows/s).`,
      `  ${counts.join(', ')}`,
    );
  } else if (demo)
    lines.push(`The demo session of seed ${demo.shape.seed} was there already; nothing was loaded again.`);
  print(lines.join('\n'), report);
  return EXIT.ok;
}

async function hashCommand({ common, print }: CommandContext): Promise<number> {
  const file = hash(common);
  print(`Wrote ${file}.`, { manifest: file });
  return EXIT.ok;
}

export const COMMANDS: Record<string, (ctx: CommandContext) => Promise<number>> = {
  upgrade: upgradeCommand,
  downgrade: downgradeCommand,
  current: currentCommand,
  history: historyCommand,
  status: statusCommand,
  stamp: stampCommand,
  generate: generateCommand,
  diff: diffCommand,
  check: checkCommand,
  verify: verifyCommand,
  lint: lintCommand,
  inspect: inspectCommand,
  hash: hashCommand,
  adopt: adoptCommand,
  restore: restoreCommand,
  rebase: rebaseCommand,
  doctor: doctorCommand,
  seed: seedCommand,
};
