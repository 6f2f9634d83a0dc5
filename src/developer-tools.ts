import { SmartemDbError } from './errors.js';
import { resolve } from 'node:path';
import {
  configOf,
  journalOf,
  openMigrationsFolder,
  scratchTargetOf,
  type CheckOptions,
  type CommonOptions,
  type DiffOptions,
  type DiffResult,
  type GenerateOptions,
  type LintOptions,
  type VerifyOptions,
} from './options.js';
import type { SmartemDbConfig } from './config/config.js';
import { verifyFolderManifest, type MigrationsFolder } from './migrations/migration-folder.js';
import { openServerSession } from './db/postgres-session.js';
import { diffModels } from './diff/diff-models.js';
import { catalogDifferences } from './catalog/catalog-differences.js';
import { modelsOf, parseDiffSource } from './generate/diff-sources.js';
import { diffInSteps } from './generate/staged-diff.js';
import { writeEmptyMigration } from './generate/empty-migration.js';
import { generateMigration, type GenerateResult } from './generate/generate.js';
import { mergeHints, noHints, parseColumnRename, parseTableRename, readHintsFile } from './generate/hints.js';
import { invertAll } from './ops/op-kinds.js';
import type { Op } from './ops/op.js';
import { renderScript } from './render/render-script.js';
import { classifyScript } from './lint/classify-script.js';
import { runCheck, type CheckReport } from './check/check.js';
import { runVerify, type VerifyReport } from './check/verify.js';
import { lintMigrations, type LintReport } from './lint/lint-migrations.js';
import { appliedIds, readJournal } from './migrations/journal.js';
import { introspect } from './catalog/introspect.js';
import { tableSizes } from './doctor/table-sizes.js';
import { DEFAULT_SMALL_TABLE_ROWS } from './lint/lint-migrations.js';
import { modelWithSourcesAside } from './drizzle-model/model-worker.js';
import type { ScratchTarget } from './scratch/scratch-databases.js';
import type { ModelKeep } from './scratch/model-keep.js';
import { replayKeys } from './scratch/replay-cache.js';
import { Timings } from './generate/timings.js';
import { answerGate } from './scratch/answer-gate.js';
import {
  generateKey,
  inputsKey,
  knownNoChanges,
  knownNoChangesFromSources,
  rememberNoChanges,
  sourcesKey,
} from './generate/generate-cache.js';
import { codeFingerprint, packageVersion } from './config/package-root.js';
import { redactUrl } from './db/redact.js';

// generate() and diff(): the half of the API that needs drizzle-kit and scratch databases.
// api.ts loads this module on first use.

/** See generate() in api.ts (where each of these has its documentation and example). */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const began = performance.now();
  const config = configOf(options);
  const cwd = options.cwd ?? process.cwd();
  if (options.plain !== undefined && options.plain.trim() === '')
    throw new SmartemDbError('CONFIG_INVALID', '--plain needs the reason its locks and rewrites are acceptable here.');
  if (options.plain !== undefined && options.online === true)
    throw new SmartemDbError('CONFIG_INVALID', '--plain and --online ask for opposite forms; give one.');
  const folder = openMigrationsFolder(options, config, { allowMissing: true });
  if (options.empty) return writeEmptyMigration(folder, options.name, options.now ?? new Date());
  const hints = mergeHints(
    noHints(),
    {
      tables: (options.renameTables ?? []).map(parseTableRename),
      columns: (options.renames ?? []).map(parseColumnRename),
      allowDataLoss: [],
    },
    options.hintsFile ? readHintsFile(resolve(cwd, options.hintsFile)) : noHints(),
  );
  const timings = new Timings();
  const scratch = scratchTargetOf(options, config);
  const withTimings = <T extends object>(result: T) =>
    options.timings ? { ...result, timings: timings.phases } : result;
  const cachedResult = () => {
    options.logger?.info('No changes since the last run (answered from .smartem-db/; --no-cache works it out anew).');
    return withTimings({ id: null, ops: [], up: '', down: '', hazards: [], proved: false, cached: true });
  };
  // What the caches are keyed by (a walk of smartem-db's files): once per command.
  const code = options.cache === false ? null : codeVersion();
  // Only "no changes" is cached, and never against a live database (it changes under us).
  const inputs =
    code !== null && !options.fromDb
      ? inputsKey({
          version: code,
          folder,
          settings: {
            journal: journalOf(options),
            hints,
            online: options.online,
            plain: options.plain,
            scratch: scratchKey(scratch),
          },
        })
      : null;
  // The model's files as they were last time: no need to load it (drizzle-kit and all).
  const known = inputs !== null && knownNoChangesFromSources(cwd, inputs);
  timings.add('the folder, the settings and the cache keys', performance.now() - began);
  if (known) return cachedResult();
  // Loaded while the scratch databases are made (see cachedModel).
  const model = cachedModel(cwd, inputs, { schema: options.schema, scratch, timings });
  const fromDb = options.fromDb ? await openServerSession(options.fromDb, { source: '--from-db' }) : undefined;
  try {
    const journal = journalOf(options);
    const result = await generateMigration({
      timings,
      name: options.name,
      folder,
      journal,
      modelStatements: model.statements,
      scratchFrom: model.scratchFrom,
      answeredBefore: model.answeredBefore,
      scratch,
      replayKeys: code === null ? null : replayKeys(folder, journal, code),
      modelKeep: code === null ? null : modelKeepOf(code, cwd),
      fromDb,
      hints,
      allowDataLoss: options.allowDataLoss,
      online: options.online,
      plain: options.plain,
      confirmRename: options.confirmRename,
      logger: options.logger,
      now: options.now,
    });
    if (result.id === null) await model.remember();
    return result.cached ? cachedResult() : withTimings(result);
  } finally {
    await fromDb?.close();
  }
}

/** See diff() in api.ts. */
export async function diff(options: DiffOptions): Promise<DiffResult> {
  const config = configOf(options);
  const cwd = options.cwd ?? process.cwd();
  const sources = [parseDiffSource(options.from, 'from (--from)'), parseDiffSource(options.to, 'to (--to)')];
  const scratch = scratchTargetOf(options, config);
  let opened: MigrationsFolder | undefined;
  const folder = () => (opened ??= openMigrationsFolder(options, config));
  const code = options.cache === false ? null : codeVersion();
  // Between the folder and the model, the answer is check's: nothing, when the migrations made the model.
  const inputs =
    code !== null && sources.includes('migrations') && sources.includes('schema')
      ? modelQuestionKey(options, folder(), scratch, code)
      : null;
  if (inputs && knownNoChangesFromSources(cwd, inputs)) {
    options.logger?.info(MADE_THE_MODEL_BEFORE);
    return { sql: '', ops: [], hazards: [] };
  }
  // Loaded while the scratch databases are made (see cachedModel).
  const model = cachedModel(cwd, inputs, { schema: options.schema, scratch, wanted: sources.includes('schema') });
  const gate = answerGate(model.statements, model.answeredBefore, model.scratchFrom);
  let up: Op[] | null = null;
  const catalogs = await modelsOf(sources, {
    folder,
    modelStatements: () => model.statements,
    journal: journalOf(options),
    scratch,
    replayKeys: code === null ? null : (f) => replayKeys(f, journalOf(options), code),
    modelKeep: code === null ? null : modelKeepOf(code, cwd),
    logger: options.logger,
    gate,
    // From the folder's replay, the steps generate takes too (a table joining a partitioned one).
    whileOpen: async ([from, to], first) => {
      up = first
        ? await diffInSteps(first, from!, to!, noHints(), { excludeSchemas: [journalOf(options).schema] })
        : null;
    },
  });
  if (!catalogs) {
    await model.remember();
    options.logger?.info(MADE_THE_MODEL_BEFORE);
    return { sql: '', ops: [], hazards: [] };
  }
  const [fromModel, toModel] = catalogs;
  if (inputs && catalogDifferences(fromModel!, toModel!).length === 0) await model.remember();
  up ??= diffModels(fromModel!, toModel!);
  const ops = options.down ? invertAll(up) : up;
  const script = await classifyScript(renderScript(ops), { catalog: options.down ? toModel! : fromModel! });
  return { sql: script.sql, ops, hazards: script.hazards };
}

const MADE_THE_MODEL_BEFORE =
  'The migrations made the model last time too (answered from .smartem-db/; --no-cache works it out anew).';

/**
 * The cache key of "do the migrations make the model?" (check --model-only, and diff between
 * the folder and the model), but the model: the folder, the journal, where scratch databases are
 * and smartem-db's code.
 */
function modelQuestionKey(
  options: CommonOptions,
  folder: MigrationsFolder,
  scratch: ScratchTarget,
  code: string,
): string {
  return inputsKey({
    version: code,
    folder,
    settings: {
      question: 'check: do the migrations make the model?',
      journal: journalOf(options),
      scratch: scratchKey(scratch),
    },
  });
}

/** See check() in api.ts. */
export async function check(options: CheckOptions = {}): Promise<CheckReport> {
  const config = configOf(options);
  const cwd = options.cwd ?? process.cwd();
  const folder = openMigrationsFolder(options, config, { verify: false });
  const scratch = scratchTargetOf(options, config);
  const liveUrl = options.modelOnly ? undefined : (options.db ?? options.url ?? serverUrlOf(config));
  // The model question alone is answered from .smartem-db/ when the model's files and the folder
  // are what they were when the migrations last made the model (never with a database to check).
  const code = options.cache === false ? null : codeVersion();
  const inputs = code !== null && !liveUrl ? modelQuestionKey(options, folder, scratch, code) : null;
  const cached = (): CheckReport => {
    options.logger?.info(MADE_THE_MODEL_BEFORE);
    return { folder: [], model: { ok: true, differences: [], hint: null, cached: true }, database: null };
  };
  if (inputs && folderIntact(folder) && knownNoChangesFromSources(cwd, inputs)) return cached();
  // Loaded while the scratch databases are made (see cachedModel).
  const model = cachedModel(cwd, inputs, { schema: options.schema, scratch });
  const live = liveUrl
    ? await openServerSession(liveUrl, { source: options.db ? '--db' : 'the configured database' })
    : undefined;
  try {
    const report = await runCheck({
      folder,
      journal: journalOf(options),
      modelStatements: model.statements,
      answeredBefore: model.answeredBefore,
      scratchFrom: model.scratchFrom,
      scratch,
      replayKeys: code === null ? null : replayKeys(folder, journalOf(options), code),
      modelKeep: code === null ? null : modelKeepOf(code, cwd),
      live,
      logger: options.logger,
    });
    if (report.folder.length > 0) return report;
    if (report.model.ok) await model.remember();
    return report.model.cached ? cached() : report;
  } finally {
    await live?.close();
  }
}

/**
 * The model, loading, and its part in the "no changes" cache (`inputs`; null: no cache), for
 * generate, check and diff alike. Scratch databases may be made (`scratchFrom`) from the moment
 * the model's files are known, since a remembered answer would have come from them already, or
 * at once without a cache or when scratchAtOnce says so; otherwise once its statements are known
 * and `answeredBefore` (which asks the cache) said no. The model loads on a worker when
 * modelWithSourcesAside puts it there; `wanted: false` loads none (diff between two other
 * sources). `remember` records that this model gave "no changes", with its files
 * when the loader named them.
 */
function cachedModel(
  cwd: string,
  inputs: string | null,
  of: { schema: string | undefined; scratch: ScratchTarget; timings?: Timings; wanted?: boolean },
) {
  const wanted = of.wanted ?? true;
  const atOnce = wanted && scratchAtOnce(of.schema, of.scratch);
  let openScratch = () => {};
  const scratchFrom = inputs && !atOnce ? new Promise<void>((resolve) => (openScratch = resolve)) : Promise.resolve();
  const onImported = (sourcesKnown: boolean) => sourcesKnown && openScratch();
  const load = () => modelWithSourcesAside(cwd, of.schema, of.scratch, onImported);
  const model: Promise<{ statements: string[]; sources: string[] | null }> = !wanted
    ? Promise.resolve({ statements: [], sources: null })
    : of.timings
      ? of.timings.time('load the model', load)
      : load();
  model.catch(() => {}); // awaited through `statements`, unless the command ends before it needs them
  let key: string | null = null;
  return {
    statements: model.then((m) => m.statements),
    scratchFrom,
    answeredBefore: (statements: string[]) => {
      key = inputs ? generateKey(inputs, statements) : null;
      return key !== null && knownNoChanges(cwd, key);
    },
    remember: async () => {
      if (!inputs || !key) return;
      const { sources } = await model;
      rememberNoChanges(cwd, key, sources ? { files: sources, key: sourcesKey(inputs, sources) } : null);
    },
  };
}

/**
 * Whether a command past its cache check of the model's files makes its scratch databases at
 * once rather than from when the model is imported: when they are embedded (a PGlite boot, 0.5 s
 * of the main thread, while the model loads on a worker) and the model is TypeScript, whose
 * files the bundler names. Such a model got here because its files changed since the last
 * answer, so its statements are almost always new; waiting for its import (0.13 s) only to
 * learn that is not worth it. A JavaScript model (the shipped one) is imported by Node, which
 * names no files, and is answered from its statements: its scratch work still waits for them.
 */
function scratchAtOnce(schema: string | undefined, scratch: ScratchTarget): boolean {
  return scratch.kind === 'embedded' && schema !== undefined && /\.[cm]?tsx?$/.test(schema);
}

/** Whether the folder's files are what its manifest says (check reports it otherwise). */
function folderIntact(folder: MigrationsFolder): boolean {
  try {
    verifyFolderManifest(folder);
    return true;
  } catch {
    return false;
  }
}

/** See verify() in api.ts. */
export async function verify(options: VerifyOptions = {}): Promise<VerifyReport> {
  const config = configOf(options);
  const folder = openMigrationsFolder(options, config, { verify: false });
  return runVerify({
    folder,
    journal: journalOf(options),
    scratch: scratchTargetOf(options, config),
    withData: options.withData,
    logger: options.logger,
  });
}

function serverUrlOf(config: () => SmartemDbConfig): string | undefined {
  const target = config().database;
  return target.kind === 'server' ? target.url : undefined;
}

/** See lint() in api.ts. */
export async function lint(options: LintOptions = {}): Promise<LintReport> {
  const config = configOf(options);
  const folder = openMigrationsFolder(options, config, { verify: false });
  const url = options.all ? undefined : (options.db ?? options.url ?? serverUrlOf(config));
  let migrations = folder.migrations;
  if (!url) return lintMigrations(migrations);
  // With a database: only what it has not applied, judged against its catalog and its table sizes.
  const session = await openServerSession(url, { source: options.db ? '--db' : 'the configured database' });
  try {
    const journal = journalOf(options);
    const rows = (await readJournal(session, journal)) ?? [];
    const applied = appliedIds(rows);
    migrations = migrations.filter((m) => !applied.has(m.id));
    const [catalog, sizes] = await Promise.all([
      introspect(session, { excludeSchemas: [journal.schema] }),
      tableSizes(session, [journal.schema]).then((s) => s.sizes),
    ]);
    return await lintMigrations(migrations, {
      catalog,
      sizes,
      smallTableRows: options.smallTableRows ?? DEFAULT_SMALL_TABLE_ROWS,
    });
  } finally {
    await session.close();
  }
}

/**
 * What every cache of a command is keyed by besides its inputs: this smartem-db's version and
 * code (codeFingerprint walks its files, so a command asks once).
 */
function codeVersion(): string {
  return `${packageVersion()} ${codeFingerprint()}`;
}

/**
 * Whose kept model database a command takes and keeps: this smartem-db's code, and the project
 * (its folder: the model's successive versions, whatever file holds them).
 */
function modelKeepOf(code: string, cwd: string): ModelKeep {
  return { code, lineage: resolve(cwd) };
}

/** Where scratch databases are, for the cache's key (no password). */
function scratchKey(target: ScratchTarget): string {
  return target.kind === 'embedded' ? 'embedded' : redactUrl(target.url);
}
