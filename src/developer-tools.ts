import { SmartemDbError } from './errors.js';
import { resolve } from 'node:path';
import {
  configOf,
  journalOf,
  migrationsFolderOf,
  openMigrationsFolder,
  scratchTargetOf,
  type CheckOptions,
  type CommonOptions,
  type DiffOptions,
  type DiffResult,
  type ErdOptions,
  type ErdResult,
  type GenerateOptions,
  type LintOptions,
  type VerifyOptions,
} from './options.js';
import type { SmartemDbConfig } from './config/config.js';
import { folderUpTo, type MigrationsFolder } from './migrations/migration-folder.js';
import type { Catalog } from './catalog/catalog.js';
import { openServerSession } from './db/postgres-session.js';
import { lockFolderWaiting } from './db/directory-lock.js';
import { diffCatalogs } from './diff/diff-catalogs.js';
import { parseDiffSource, type DiffSource } from './generate/diff-source.js';
import { resolveMigration } from './migrations/targets.js';
import { renderHeader } from './migrations/migration-header.js';
import { formatMigrationName } from './migrations/migration-name.js';
import { proveMigration } from './generate/prove-migration.js';
import type { Op } from './ops/op.js';
import { schemaPicture } from './picture/schema-picture.js';
import { mermaidOf } from './picture/mermaid.js';
import { dotOf, svgOf } from './picture/graphviz.js';
import { diffInSteps } from './generate/staged-diff.js';
import { writeEmptyMigration } from './generate/empty-migration.js';
import { generateMigration, type GenerateResult } from './generate/generate.js';
import { mergeHints, noHints, parseColumnRename, parseTableRename, readHintsFile } from './generate/hints.js';
import { invertAll } from './render/op-kinds.js';
import { renderScript } from './render/render-script.js';
import { classifyScript } from './lint/classify-script.js';
import { runCheck, type CheckReport } from './check/check.js';
import { runVerify, type VerifyReport } from './check/verify.js';
import { lintMigrations, type LintReport } from './lint/lint-migrations.js';
import { appliedIds, readJournal } from './migrations/journal.js';
import { introspect } from './catalog/introspect.js';
import { tableSizes } from './catalog/table-sizes.js';
import { DEFAULT_SMALL_TABLE_ROWS } from './lint/lint-migrations.js';
import { loadModel } from './drizzle-model/model-statements.js';
import { resolveSchemaPath } from './drizzle-model/load-schema.js';
import { rememberedStatements, rememberStatements } from './drizzle-model/remembered-model.js';
import type { ScratchTarget } from './scratch/scratch-databases.js';
import { folderAndModel, type FolderAndModel } from './scratch/folder-and-model.js';
import { projectStore } from './files/project-store.js';
import { Timings } from './generate/timings.js';
import { codeFingerprint, packageVersion } from './config/package-root.js';
import type { Logger } from './migrations/logger.js';

// generate() and diff(): the half of the API that needs drizzle-kit and scratch databases.
// api.ts loads this module on first use.

/** See generate() in api.ts (where each of these has its documentation and example). */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const config = configOf(options);
  const cwd = options.cwd ?? process.cwd();
  if (options.plain !== undefined && options.plain.trim() === '')
    throw new SmartemDbError('CONFIG_INVALID', '--plain needs the reason its locks and rewrites are acceptable here.');
  if (options.plain !== undefined && options.online === true)
    throw new SmartemDbError('CONFIG_INVALID', '--plain and --online ask for opposite forms; give one.');
  const folderPath = migrationsFolderOf(options, config);
  // Two generates at once in one folder would write two migrations with one number.
  const release = await lockMigrationsFolder(folderPath, options.logger);
  try {
    const folder = openMigrationsFolder(options, config, { allowMissing: true });
    if (options.empty) return writeEmptyMigration(folder, options.name, options.now ?? new Date());
    const hints = mergeHints(
      noHints(),
      {
        tables: (options.renameTables ?? []).map(parseTableRename),
        columns: (options.renames ?? []).map(parseColumnRename),
        allowDataLoss: [],
        conversions: [],
      },
      options.hintsFile ? await readHintsFile(resolve(cwd, options.hintsFile)) : noHints(),
    );
    const timings = new Timings();
    const scratch = scratchTargetOf(options, config);
    const states = await timings.time("the folder's and the model's catalogs", () =>
      statesOf(options, folder, scratch, { replayAhead: true, timings }),
    );
    const fromDb = options.fromDb ? await openServerSession(options.fromDb, { source: '--from-db' }) : undefined;
    try {
      const result = await generateMigration({
        timings,
        name: options.name,
        folder,
        journal: journalOf(options),
        states,
        fromDb,
        hints,
        allowDataLoss: options.allowDataLoss,
        online: options.online,
        expandContract: options.expandContract,
        plain: options.plain,
        confirmRename: options.confirmRename,
        logger: options.logger,
        now: options.now,
      });
      return options.timings ? { ...result, timings: timings.phases } : result;
    } finally {
      await Promise.all([states.close(), fromDb?.close()]);
    }
  } finally {
    release();
  }
}

/**
 * Holds the migrations folder for one writer at a time (generate, rebase, hash): a second waits,
 * saying who holds it, or fails with FOLDER_BUSY. Never two migrations with one number.
 */
function lockMigrationsFolder(folder: string, logger?: Logger): Promise<() => void> {
  return lockFolderWaiting(folder, `The migrations folder ${folder}`, { onWait: (m) => logger?.warn(m) });
}

/**
 * The catalogs of the sources asked for (`migrations`, `schema`, a URL), worked out as generate
 * would: the folder's and the model's from the store or a scratch database, a live database's by
 * reading it. A source not asked for is an empty state; between live databases no scratch database
 * is made. `work` gets the states too (the replay, for steps a catalog diff cannot see).
 */
async function withCatalogs<T>(
  options: CommonOptions & {
    schema?: string | undefined;
    cache?: boolean | undefined;
    shadowDatabaseUrl?: string | undefined;
  },
  sources: DiffSource[],
  work: (catalogs: Catalog[], states: FolderAndModel | null, folder: MigrationsFolder | null) => Promise<T>,
): Promise<T> {
  const config = configOf(options);
  const scratch = scratchTargetOf(options, config);
  const exclude = { excludeSchemas: [journalOf(options).schema] };
  // Read (and checked against its manifest) once, for every source that needs it.
  const needsFolder = sources.some((s) => s === 'migrations' || (typeof s === 'object' && 'upTo' in s));
  const whole = needsFolder ? openMigrationsFolder(options, config) : null;
  const folder = sources.includes('migrations') ? whole : null;
  const states = sources.some((s) => typeof s === 'string')
    ? await statesOf(options, folder, scratch, { model: sources.includes('schema') })
    : null;
  try {
    const catalogOf = async (source: DiffSource): Promise<Catalog> => {
      if (source === 'migrations') return states!.folder;
      if (source === 'schema') return states!.model;
      if ('upTo' in source) {
        // The folder up to a migration: its catalog keyed like any folder's, from the store or a replay.
        const upTo = folderUpTo(whole!, resolveMigration(whole!.migrations, source.upTo));
        const part = await statesOf(options, upTo, scratch, { model: false });
        try {
          return part.folder;
        } finally {
          await part.close();
        }
      }
      const live = await openServerSession(source.url, { source: source.source });
      try {
        return await introspect(live, exclude);
      } finally {
        await live.close();
      }
    };
    return await work(await Promise.all(sources.map(catalogOf)), states, folder);
  } finally {
    await states?.close();
  }
}

/** See diff() in api.ts. */
export async function diff(options: DiffOptions): Promise<DiffResult> {
  const sources = [parseDiffSource(options.from, 'from (--from)'), parseDiffSource(options.to, 'to (--to)')];
  const exclude = { excludeSchemas: [journalOf(options).schema] };
  return withCatalogs(options, sources, async ([from, to], states, folder) => {
    // From the folder, the steps generate takes too (a table joining a partitioned one).
    const up =
      sources[0] === 'migrations'
        ? await diffInSteps(states!.replay, from!, to!, noHints(), exclude)
        : diffCatalogs(from!, to!);
    const ops = options.down ? invertAll(up) : up;
    const script = await classifyScript(renderScript(ops), { catalog: options.down ? to! : from! });
    const prove = sources[0] === 'migrations' && options.prove !== false && up.length > 0;
    if (prove) await proveDiff(options, states!, folder!, up, from!, to!);
    return { sql: script.sql, ops, hazards: script.hazards, proved: prove };
  });
}

/** diff's SQL as a migration after the folder's last, run up and down on the replay by the real runner. */
async function proveDiff(
  options: DiffOptions,
  states: FolderAndModel,
  folder: MigrationsFolder,
  up: Op[],
  from: Catalog,
  to: Catalog,
) {
  const [upScript, downScript] = [renderScript(up), renderScript(invertAll(up))];
  const last = folder.migrations.at(-1);
  const id = formatMigrationName(new Date(), (last?.number ?? 0) + 1, 'diff');
  const file = (script: typeof upScript, direction: 'up' | 'down') =>
    renderHeader(id, last?.id ?? null, script.transactional, direction) + script.sql;
  await proveMigration({
    session: await states.replay(),
    folder,
    journal: journalOf(options),
    migrations: [{ id, files: { up: file(upScript, 'up'), down: file(downScript, 'down') } }],
    want: to,
    have: from,
    exclude: { excludeSchemas: [journalOf(options).schema] },
    subject: 'The SQL diff would print',
    notDone: 'nothing was printed (diff --no-prove prints it unproved)',
  });
}

/** See erd() in api-development.ts. */
export async function erd(options: ErdOptions): Promise<ErdResult> {
  const format = options.format ?? 'svg';
  const sources = [parseDiffSource(options.from ?? 'migrations', 'from (--from)')];
  if (options.to) sources.push(parseDiffSource(options.to, 'to (--to)'));
  const picture = await withCatalogs(options, sources, async ([from, to]) =>
    to ? schemaPicture(to, from) : schemaPicture(from!),
  );
  const text = format === 'mermaid' ? mermaidOf(picture) : format === 'dot' ? dotOf(picture) : await svgOf(picture);
  const changes = picture.tables.filter((t) => t.change !== 'same').map((t) => `${t.change} ${t.key}`);
  return { format, text, tables: picture.tables.length, changes };
}

/** See check() in api.ts. */
export async function check(options: CheckOptions = {}): Promise<CheckReport> {
  const config = configOf(options);
  const folder = openMigrationsFolder(options, config, { verify: false });
  const scratch = scratchTargetOf(options, config);
  const liveUrl = options.modelOnly ? undefined : (options.db ?? options.url ?? serverUrlOf(config));
  const live = liveUrl
    ? await openServerSession(liveUrl, { source: options.db ? '--db' : 'the configured database' })
    : undefined;
  try {
    return await runCheck({
      folder,
      journal: journalOf(options),
      // In CI the model is always loaded: the answer a pull request is judged by is worked out from its files.
      states: () => statesOf(options, folder, scratch, { loadModel: Boolean(process.env.CI) }),
      live,
      noLive: options.modelOnly
        ? 'only the model was asked for (--model-only)'
        : 'none was given (--db <url>) or configured (DATABASE_URL, POSTGRES_*)',
      logger: options.logger,
    });
  } finally {
    await live?.close();
  }
}

/** Said when the model was not loaded: its files are what they were when its statements were worked out. */
export const MODEL_REMEMBERED =
  "The model's files are as they were: its statements come from .smartem-db/store (--no-cache loads it).";

/**
 * The folder's and the model's catalogs (folderAndModel) for generate, check and diff alike: the
 * model's statements remembered from its files when they are what they were (rememberedStatements),
 * else loaded, and each catalog from the project's store when it is there. `model: false` diffs
 * with an empty model; a null folder is an empty one; `loadModel` never takes remembered statements.
 */
async function statesOf(
  options: CommonOptions & { schema?: string | undefined; cache?: boolean | undefined },
  folder: MigrationsFolder | null,
  scratch: ScratchTarget,
  how: { model?: boolean; loadModel?: boolean; replayAhead?: boolean; timings?: Timings } = {},
): Promise<FolderAndModel> {
  const cwd = options.cwd ?? process.cwd();
  const store = projectStore(cwd, options.cache !== false);
  const code = codeVersion();
  const wanted = how.model ?? true;
  // The statements without loading the model: none asked for, or remembered from its files.
  let known: string[] | null = [];
  let load = async () => known!;
  if (wanted) {
    const context = {
      code,
      schemaPath: await resolveSchemaPath(cwd, options.schema),
      cwd: resolve(cwd),
      env: process.env,
    };
    known = how.loadModel ? null : rememberedStatements(store, context);
    if (known) options.logger?.info(MODEL_REMEMBERED);
    load = async () => {
      const loaded = await loadModel(cwd, options.schema);
      rememberStatements(store, context, loaded);
      return loaded.statements;
    };
  }
  const statements = known
    ? Promise.resolve(known)
    : how.timings
      ? how.timings.time('load the model (esbuild, drizzle-kit)', load)
      : load();
  statements.catch(() => undefined); // awaited by folderAndModel
  return folderAndModel({
    folder: folder ?? { folder: cwd, shown: '(none)', migrations: [] },
    journal: journalOf(options),
    modelStatements: statements,
    remembered: known !== null,
    scratch,
    store,
    code,
    replayAhead: how.replayAhead ?? false,
  });
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
