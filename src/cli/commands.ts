import {
  adopt,
  doctor,
  seed as seedAll,
  rebase,
  restore,
  hash,
  inspect,
  migrate,
  offlineSql,
  rollback,
  stamp,
  status,
} from '../api.js';
import { configOf, openMigrationsFolder } from '../options.js';
import { parseRollbackTarget } from '../migrations/targets.js';
import { EXIT } from './exit-codes.js';
import { formatRun, formatStatus } from './format.js';
import { formatDoctor } from './format-doctor.js';
import { keyOf } from '../catalog/qualified-name.js';
import type { CommandContext } from './command-context.js';
import { startStudio } from '../studio/studio-server.js';
import {
  checkCommand,
  diffCommand,
  erdCommand,
  generateCommand,
  lintCommand,
  verifyCommand,
} from './development-commands.js';

// One plain function per verb, each a thin call into the API (like Alembic's command.py).

async function upgradeCommand({ args, values, common, print, usage, io }: CommandContext): Promise<number> {
  if (args.length > 1) return usage('upgrade takes at most one target.');
  if (values.sql) {
    io.out(await offlineSql({ ...common, direction: 'up', to: args[0], from: values.from, contract: values.contract }));
    return EXIT.ok;
  }
  const result = await migrate({
    ...common,
    to: args[0],
    allowOutOfOrder: values['allow-out-of-order'],
    resume: values.resume,
    contract: values.contract,
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

async function studioCommand({ values, common, print, usage }: CommandContext): Promise<number> {
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536))
    return usage(`--port ${values.port}: expected a port number.`);
  const studio = await startStudio({ ...common, port, schema: values.schema, shadowDatabaseUrl: values['shadow-url'] });
  print(`smartem-db studio: ${studio.url}\n(read-only; open it in a browser on this machine; Ctrl-C ends it)`, {
    url: studio.url,
  });
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
  await studio.close();
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
  erd: erdCommand,
  studio: studioCommand,
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
