// The developer tools' commands: generate, diff, erd, check, verify, lint.
import { check, diff, erd, generate, lint, verify } from '../api.js';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EXIT } from './exit-codes.js';
import { formatCheck, formatLint, formatVerify, githubAnnotations, lintProblems } from './format.js';
import type { CommandContext } from './command-context.js';
import { addToJobSummary, checkSummary, generateSummary, verifySummary } from './job-summary.js';

export async function generateCommand({ values, common, json, print, usage, io }: CommandContext): Promise<number> {
  // performance.now() counts from the process's start: node, the CLI's modules, the arguments.
  const startedMs = performance.now();
  if (!values.message) return usage('generate needs -m "what the migration does".');
  if (values['expand-contract'] && values['no-expand-contract'])
    return usage('--expand-contract and --no-expand-contract ask for opposite things; give one.');
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
    expandContract: values['expand-contract'] ? true : values['no-expand-contract'] ? false : undefined,
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
          ? `Wrote ${result.id}/up.sql and down.sql${result.contract ? ` and its contract ${result.contract.id}/` : ''} (${result.ops.length} change${result.ops.length === 1 ? '' : 's'}, proved on a scratch database).`
          : `Wrote an empty ${result.id}/up.sql and down.sql: write the SQL by hand, run \`smartem-db hash\`, and check it with \`smartem-db verify\`.`,
        ...result.hazards.map((h) => `  ${h.kind}: ${h.message}`),
        ...(result.contract
          ? [
              `migrate() and upgrade apply the expand and stop before ${result.contract.id}; once no instance of the previous version of the application runs, apply it with \`smartem-db upgrade --contract\`.`,
            ]
          : []),
        'Review both files, then commit them with smartem.sum.',
      ].join('\n')
    : `No changes: the migrations already produce the Drizzle model. Nothing was written.${result.cached ? ' (Both catalogs from .smartem-db/store: --no-cache works them out anew.)' : ''}`;
  addToJobSummary(generateSummary(result));
  print(values.summary ? generateSummary(result) : text, {
    ...(result.timings ? { timings: result.timings } : {}),
    cached: result.cached ?? false,
    id: result.id,
    changes: result.ops.length,
    proved: result.proved,
    hazards: result.hazards,
    up: result.up,
    down: result.down,
    ...(result.picture ? { picture: result.picture } : {}),
  });
  return EXIT.ok;
}

export async function diffCommand({ values, common, json, print, usage, io }: CommandContext): Promise<number> {
  if (!values.from || !values.to)
    return usage('diff needs --from and --to (migrations, schema, or a postgres:// URL).');
  const result = await diff({
    ...common,
    from: values.from,
    to: values.to,
    down: values.down,
    prove: !values['no-prove'],
    schema: values.schema,
    shadowDatabaseUrl: values['shadow-url'],
    cache: !values['no-cache'],
  });
  if (json) print('', { sql: result.sql, hazards: result.hazards, proved: result.proved });
  else io.out(result.sql || '-- No differences.\n');
  return EXIT.ok;
}

const ERD_FORMATS = ['svg', 'mermaid', 'dot'] as const;

export async function erdCommand({ values, common, json, print, usage, io }: CommandContext): Promise<number> {
  const format = values.format ?? (values.out?.endsWith('.md') || values.out?.endsWith('.mmd') ? 'mermaid' : 'svg');
  if (!ERD_FORMATS.includes(format as (typeof ERD_FORMATS)[number]))
    return usage(`--format ${format}: expected one of ${ERD_FORMATS.join(', ')}.`);
  const result = await erd({
    ...common,
    from: values.from,
    to: values.to,
    format: format as (typeof ERD_FORMATS)[number],
    schema: values.schema,
    shadowDatabaseUrl: values['shadow-url'],
    cache: !values['no-cache'],
  });
  const summary = `${result.tables} tables${result.changes.length ? `; ${result.changes.join(', ')}` : ''}`;
  if (values.out) {
    writeFileSync(resolve(common.cwd ?? process.cwd(), values.out), result.text);
    print(`Wrote ${values.out} (${result.format}: ${summary}).`, { ...result, text: undefined, file: values.out });
  } else if (json) print('', result);
  else io.out(result.text);
  return EXIT.ok;
}

export async function checkCommand({ values, common, print, io }: CommandContext): Promise<number> {
  const report = await check({
    ...common,
    db: values.db,
    modelOnly: values['model-only'],
    schema: values.schema,
    shadowDatabaseUrl: values['shadow-url'],
    cache: !values['no-cache'],
  });
  print(formatCheck(report), report);
  addToJobSummary(checkSummary(report));
  const files = [...report.folder, ...(report.database?.editedFiles ?? [])];
  if (process.env.GITHUB_ACTIONS === 'true') io.out(githubAnnotations(files));
  // A folder whose files differ from its manifest is an integrity problem, as everywhere else (exit 3).
  if (report.folder.length > 0) return EXIT.integrity;
  return !report.model.ok ? EXIT.modelDrift : report.database && !report.database.ok ? EXIT.databaseDrift : EXIT.ok;
}

export async function verifyCommand({ values, common, print, io }: CommandContext): Promise<number> {
  const report = await verify({ ...common, shadowDatabaseUrl: values['shadow-url'], withData: values['with-data'] });
  print(formatVerify(report), report);
  addToJobSummary(verifySummary(report));
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

export async function lintCommand({ values, common, print, usage, io }: CommandContext): Promise<number> {
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
