import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { introspect } from '../catalog/introspect.js';
import type { DbSession } from '../db/session.js';
import { MigrationFailedError, SmartemDbError } from '../errors.js';
import type { Catalog } from '../catalog/catalog.js';
import { catalogDifferences } from '../catalog/catalog-differences.js';
import { invalidIndexes } from '../catalog/invalid-indexes.js';
import { describeOp } from '../render/op-kinds.js';
import { invertAll } from '../render/op-kinds.js';
import type { Op } from '../ops/op.js';
import { appliedIds, readJournal, type JournalRef } from '../migrations/journal.js';
import type { Logger } from '../migrations/logger.js';
import {
  readMigrationsFolder,
  rehashMigrationsFolder,
  withMigration,
  type MigrationsFolder,
} from '../migrations/migration-folder.js';
import { renderHeader } from '../migrations/migration-header.js';
import { formatMigrationName } from '../migrations/migration-name.js';
import { downgrade, upgrade } from '../migrations/runner.js';
import type { Hazard } from '../hazards/hazard.js';
import { renderScript, type RenderedScript } from '../render/render-script.js';
import { SCRATCH_ROWS_ARE_SAMPLES, scratchRunner } from '../scratch/replay.js';
import { classifyScript } from '../lint/classify-script.js';
import { tableSizes } from '../catalog/table-sizes.js';
import { DEFAULT_SMALL_TABLE_ROWS } from '../lint/lint-migrations.js';
import { tablesOf } from '../migrations/lock-retry.js';
import type { FolderAndModel } from '../scratch/folder-and-model.js';
import { acknowledged, dataLossObject, noHints, type Hints } from './hints.js';
import { keyOf, qualifiedName } from '../catalog/qualified-name.js';
import { Timings, type Timing } from './timings.js';
import { diffInSteps } from './staged-diff.js';
import { WRITE_IT_BY_HAND } from '../diff/unsupported-diff.js';

export interface GenerateInput {
  /** The description in the new folder's name. */
  name: string;
  folder: MigrationsFolder;
  journal: JournalRef;
  /** The folder's and the model's catalogs, and the scratch database to prove on (folderAndModel). */
  states: FolderAndModel;
  /** A live database at the head migration, to diff against instead of replaying the folder. */
  fromDb?: DbSession;
  hints?: Hints;
  allowDataLoss?: boolean;
  /** The online forms for existing tables (default true); false writes the plain form. */
  online?: boolean | undefined;
  /** The reason the plain form's locks and rewrites are acceptable here (written as the lint's acknowledgement). */
  plain?: string | undefined;
  /** Asked once per likely rename (a column or table that goes while another comes); on a terminal only. */
  confirmRename?: (question: string) => Promise<boolean>;
  logger?: Logger;
  now?: Date;
  timings?: Timings;
}

export interface GenerateResult {
  /** The new migration's id, or null when the model and the migrations already agree. */
  id: string | null;
  ops: Op[];
  up: string;
  down: string;
  hazards: Hazard[];
  /** Whether up.sql and down.sql were proved on a scratch database (an empty pair is not). */
  proved: boolean;
  /** "No changes" came from the project's store (.smartem-db/): no database was touched. */
  cached?: boolean;
  /** Where the time went, when asked for (`--timings`). */
  timings?: Timing[];
}

/**
 * Writes the next migration: the difference between the migrations folder's catalog and the
 * Drizzle model's (folderAndModel), as up.sql and down.sql. Before anything is written it proves
 * them with the real runner on a scratch database at the folder's state: up must give exactly
 * the model, down exactly the state before.
 */
export async function generateMigration(input: GenerateInput): Promise<GenerateResult> {
  const exclude = { excludeSchemas: [input.journal.schema] };
  const timings = input.timings ?? new Timings();
  const { states } = input;
  const log = input.logger;
  const have = states.folder;
  const want = states.model;
  if (input.fromDb) await checkLiveMatches(input.fromDb, input, have);

  let hints = input.hints ?? noHints();
  let ops = await timings.time('diff', () => diffInSteps(states.replay, have, want, hints, exclude));
  if (input.confirmRename) {
    const asked = await askRenames(ops, hints, input.confirmRename);
    if (asked !== hints) {
      hints = asked;
      ops = await diffInSteps(states.replay, have, want, hints, exclude);
    }
  }
  if (ops.length === 0) {
    refuseUnseenDifferences(have, want);
    return {
      id: null,
      ops,
      up: '',
      down: '',
      hazards: [],
      proved: false,
      ...(states.fromStore ? { cached: true } : {}),
    };
  }

  // The proof will want the folder's state: made while the SQL is rendered and judged.
  const proving = states.replay();
  proving.catch(() => undefined); // awaited below, unless rendering is refused first
  const online = input.plain === undefined && input.online !== false;
  const judged = performance.now();
  const up = await classifyScript(renderScript(ops, { online }), {
    catalog: have,
    acknowledge: (op, hazard) => {
      if (hazard.kind === 'breaking-change' && (op.kind === 'renameColumn' || op.kind === 'renameTable')) {
        return 'a rename asked for (--rename, a hint or the prompt) when this migration was generated';
      }
      if (hazard.kind !== 'data-loss')
        return input.plain ? `${input.plain} (the plain form, chosen with --plain)` : null;
      const object = dataLossObject(op);
      if (object && acknowledged(hints, object))
        return `acknowledged by the hint "${object}" when this migration was generated`;
      return input.allowDataLoss ? 'acknowledged with --allow-data-loss when this migration was generated' : null;
    },
  });
  refuseUnacknowledgedLoss(up, ops, hints, input.allowDataLoss ?? false);
  refuseUnacknowledgedLocks(up);
  if (input.plain && input.fromDb) await warnAboutBigTables(input.fromDb, up, input.journal, log);
  const down = await classifyScript(renderScript(invertAll(ops), { online }), { catalog: want });
  timings.add('render and judge the SQL', performance.now() - judged);
  const last = input.folder.migrations.at(-1);
  const id = formatMigrationName(input.now ?? new Date(), (last?.number ?? 0) + 1, input.name);
  const files = {
    up:
      renderHeader(id, last?.id ?? null, up.transactional, 'up') +
      summary(ops) +
      transactionNote(up.transactional) +
      up.sql,
    down:
      renderHeader(id, last?.id ?? null, down.transactional, 'down') + transactionNote(down.transactional) + down.sql,
  };

  log?.info(`Proving ${id}: up must give the model, down the state before ...`);
  const session = await timings.time("the folder's state on a scratch database, for the proof", () => proving);
  const { afterUp } = await timings.time('proof', async () =>
    proveMigration({
      session,
      folder: input.folder,
      journal: input.journal,
      id,
      files,
      want,
      have,
      exclude,
    }),
  );

  const writing = performance.now();
  const dir = join(input.folder.folder, id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'up.sql'), files.up);
  writeFileSync(join(dir, 'down.sql'), files.down);
  rehashMigrationsFolder(input.folder.folder);
  // What the folder now produces was just read, after up: the next run needs no replay for it.
  await states.rememberFolder(readMigrationsFolder(input.folder.folder), afterUp);
  timings.add('write the files and the manifest', performance.now() - writing);
  return { id, ops, up: files.up, down: files.down, hazards: up.hazards, proved: true };
}

/**
 * No ops, yet the two catalogs differ: something the differ does not turn into SQL. Saying
 * "nothing to generate" would leave it out silently; name it instead.
 */
function refuseUnseenDifferences(have: Catalog, want: Catalog): void {
  const left = catalogDifferences(have, want);
  if (left.length === 0) return;
  throw new SmartemDbError(
    'UNSUPPORTED_CHANGE',
    `The model and the migrations differ in what smartem-db cannot write SQL for:\n${left.map((l) => `  - ${l}`).join('\n')}\n` +
      WRITE_IT_BY_HAND,
  );
}

/** Likely renames: in one table, a column dropped and one of the same type added; or a table dropped while one is created. */
async function askRenames(ops: Op[], hints: Hints, confirm: (q: string) => Promise<boolean>): Promise<Hints> {
  const next: Hints = { ...hints, tables: [...hints.tables], columns: [...hints.columns] };
  const droppedTables = ops.flatMap((o) => (o.kind === 'dropTable' ? [o.table] : []));
  const createdTables = ops.flatMap((o) => (o.kind === 'createTable' ? [o.table] : []));
  for (const a of droppedTables) {
    for (const b of createdTables) {
      if (a.schema !== b.schema || next.tables.some((t) => t.to === b.name)) continue;
      if (await confirm(`Is table ${qualifiedName(a.schema, b.name)} the table ${keyOf(a)} renamed?`)) {
        next.tables.push({ schema: a.schema, from: a.name, to: b.name });
        break;
      }
    }
  }
  const dropped = ops.flatMap((o) => (o.kind === 'dropColumn' ? [o] : []));
  const added = ops.flatMap((o) => (o.kind === 'addColumn' ? [o] : []));
  for (const d of dropped) {
    for (const a of added) {
      if (a.schema !== d.schema || a.table !== d.table || a.column.type !== d.column.type) continue;
      if (next.columns.some((c) => c.table === a.table && c.to === a.column.name)) continue;
      if (
        await confirm(
          `Is column ${qualifiedName(a.schema, a.table, a.column.name)} the column ${d.column.name} renamed?`,
        )
      ) {
        next.columns.push({ schema: a.schema, table: a.table, from: d.column.name, to: a.column.name });
        break;
      }
    }
  }
  return next.tables.length === hints.tables.length && next.columns.length === hints.columns.length ? hints : next;
}

function refuseUnacknowledgedLoss(up: RenderedScript, ops: Op[], hints: Hints, allowAll: boolean): void {
  if (allowAll) return;
  const losses = up.entries.flatMap(({ op, statement }) => {
    const loss = statement.hazards.find((h) => h.kind === 'data-loss');
    const object = dataLossObject(op);
    return loss && object && !acknowledged(hints, object) ? [{ object, loss }] : [];
  });
  if (losses.length === 0) return;
  const lines = losses.map((l) => `  - ${l.loss.message} (acknowledge with --allow-data-loss or a hint "${l.object}")`);
  const candidates = renameCandidates(ops);
  throw new SmartemDbError(
    'DATA_LOSS_REFUSED',
    `The migration would lose data; nothing was written:\n${lines.join('\n')}` +
      (candidates.length ? `\nIf these are renames, say so: ${candidates.join(' ')}` : ''),
  );
}

/**
 * What generate writes must pass the lint as written: a lock or rewrite left in the online form
 * (a type change that rewrites the table, say) is refused, with what to do, unless --plain gave
 * the reason it is acceptable.
 */
function refuseUnacknowledgedLocks(up: RenderedScript): void {
  const left = up.entries.flatMap(({ op, statement }) =>
    statement.hazards
      .filter((h) => h.kind !== 'data-loss' && !up.sql.includes(`-- smartem-db:allow ${h.kind}:`))
      .map((h) => ({ op, hazard: h, sql: statement.sql })),
  );
  if (left.length === 0) return;
  const lines = left.map(({ op, hazard }) => {
    const plan =
      op.kind === 'alterColumn' && op.from.type !== op.to.type
        ? `\n      smartem-db does not automate an online type change: it takes application changes in between. By hand, in migrations: ` +
          `add "${op.to.name}_new" ${op.to.type}; keep it in step with a trigger; backfill it in batches; in one short transaction drop ` +
          `the trigger and swap the names (and the constraints, default and sequence); drop the old column once nothing reads it.`
        : '';
    return `  - ${hazard.kind}: ${hazard.message}${plan}`;
  });
  throw new SmartemDbError(
    'LOCK_REFUSED',
    `The migration would take locks or rewrite tables that hold data, which its online form cannot avoid; nothing was written:\n${lines.join('\n')}\n` +
      'If the tables are small or the lock is acceptable here, write the plain form and say why: --plain "<reason>" ' +
      '(it is written above each such statement for the lint).',
  );
}

/** With --plain and a database at hand: a warning for each locked or rewritten table that is not small. */
async function warnAboutBigTables(
  live: DbSession,
  up: RenderedScript,
  journal: JournalRef,
  log: Logger | undefined,
): Promise<void> {
  const { sizes } = await tableSizes(live, [journal.schema]);
  const tables = new Set(
    up.entries.flatMap(({ statement }) =>
      statement.hazards.some((h) => h.kind === 'blocking-lock' || h.kind === 'table-rewrite')
        ? tablesOf(statement.sql)
        : [],
    ),
  );
  for (const t of sizes) {
    const key = `${t.schema}.${t.name}`;
    if (
      t.rows <= DEFAULT_SMALL_TABLE_ROWS ||
      ![...tables].some((x) => x.replace(/"/g, '') === key || x.replace(/"/g, '') === t.name)
    )
      continue;
    log?.warn(
      `--plain locks ${key} (about ${t.rows.toLocaleString('en')} rows) for as long as its statements take; the online form (the default) would not.`,
    );
  }
}

function renameCandidates(ops: Op[]): string[] {
  const out: string[] = [];
  for (const d of ops) {
    if (d.kind !== 'dropColumn') continue;
    for (const a of ops) {
      if (a.kind === 'addColumn' && a.table === d.table && a.schema === d.schema && a.column.type === d.column.type) {
        out.push(`--rename ${d.schema === 'public' ? '' : `${d.schema}.`}${d.table}.${d.column.name}=${a.column.name}`);
      }
    }
  }
  const dropped = ops.flatMap((o) => (o.kind === 'dropTable' ? [o.table] : []));
  const created = ops.flatMap((o) => (o.kind === 'createTable' ? [o.table] : []));
  for (const d of dropped)
    for (const c of created) if (c.schema === d.schema) out.push(`--rename-table ${d.name}=${c.name}`);
  return out;
}

export interface ProofInput {
  /** A scratch database holding the state the folder's migrations produce. */
  session: DbSession;
  folder: MigrationsFolder;
  journal: JournalRef;
  /** The new migration. */
  id: string;
  files: { up: string; down: string };
  /** The state up.sql must produce (the model) and the one down.sql must give back. */
  want: Catalog;
  have: Catalog;
  exclude: { excludeSchemas: string[] };
}

/**
 * Applies a new migration with the real runner on the scratch database that holds the current
 * state, and compares catalogs: after up it must equal the model, after down the state before.
 * Throws PROOF_FAILED saying which step failed and what differs; returns the catalogs after up
 * and after down.
 */
export async function proveMigration({
  session,
  folder,
  journal,
  id,
  files,
  want,
  have,
  exclude,
}: ProofInput): Promise<{ afterUp: Catalog; afterDown: Catalog }> {
  const ctx = scratchRunner(session, withMigration(folder, id, files), journal);
  // An index can be in the catalog and not work (a partitioned one made ON ONLY): the proof
  // also asks that the migration leaves no index invalid that was not before.
  const invalidBefore = new Set((await invalidIndexes(session, exclude.excludeSchemas)).map(keyOf));
  const newlyInvalid = async () =>
    (await invalidIndexes(session, exclude.excludeSchemas))
      .filter((i) => !invalidBefore.has(keyOf(i)))
      .map((i) => `  - index ${keyOf(i)} on ${i.table} is INVALID`);
  const failed = (step: string, detail: string, cause?: unknown) =>
    new SmartemDbError(
      'PROOF_FAILED',
      `The generated migration ${id} did not pass its proof (${step}); nothing was written.\n${detail}\n\nup.sql:\n${files.up}\ndown.sql:\n${files.down}`,
      cause === undefined ? undefined : { cause },
    );
  // Each direction: run it with the real runner, then the catalog must be what it should.
  const step = async (
    script: 'up.sql' | 'down.sql',
    run: () => Promise<unknown>,
    expected: Catalog,
    differs: string,
  ) => {
    try {
      await run();
    } catch (error) {
      throw failed(
        `applying ${script} failed`,
        error instanceof MigrationFailedError ? error.message : String(error),
        error,
      );
    }
    const now = await introspect(session, exclude);
    const differences = [...catalogDifferences(now, expected), ...(await newlyInvalid())];
    if (differences.length) throw failed(differs, differences.map((d) => `  - ${d}`).join('\n'));
    return now;
  };
  const afterUp = await step(
    'up.sql',
    () => upgrade(ctx),
    want,
    'after up.sql the database differs from the Drizzle model',
  );
  const afterDown = await step(
    'down.sql',
    () => downgrade(ctx, { steps: 1 }, SCRATCH_ROWS_ARE_SAMPLES),
    have,
    'after down.sql the database differs from before',
  );
  return { afterUp, afterDown };
}

async function checkLiveMatches(live: DbSession, input: GenerateInput, replayed: Catalog): Promise<void> {
  const rows = (await readJournal(live, input.journal)) ?? [];
  const applied = appliedIds(rows);
  const head = input.folder.migrations.at(-1)?.id;
  const missing = input.folder.migrations.filter((m) => !applied.has(m.id));
  if (missing.length) {
    throw new SmartemDbError(
      'NOT_AT_HEAD',
      `${live.label} is not at the head migration${head ? ` ${head}` : ''}: ${missing.map((m) => m.id).join(', ')} ${missing.length === 1 ? 'is' : 'are'} not applied. ` +
        'Run `smartem-db upgrade` on it first, or generate from the migrations folder (without --from-db).',
    );
  }
  const liveModel = await introspect(live, { excludeSchemas: [input.journal.schema] });
  const drift = catalogDifferences(liveModel, replayed);
  if (drift.length) {
    throw new SmartemDbError(
      'DRIFTED',
      `${live.label} has drifted from what its migrations produce (someone changed it by hand):\n${drift.map((d) => `  - ${d}`).join('\n')}\n` +
        'Generate from the migrations folder instead, or bring the database back in line first.',
    );
  }
}

function transactionNote(transactional: boolean): string {
  return transactional
    ? ''
    : '-- No transaction: the online form (the default; --plain writes the transactional one) builds indexes\n' +
        '-- CONCURRENTLY, validates constraints and backfills in steps, or it uses an enum value it adds, which\n' +
        '-- PostgreSQL allows only once committed. Each statement commits on its own; if one fails, smartem-db\n' +
        '-- status says which, and upgrade --resume goes on from there.\n\n';
}

function summary(ops: Op[]): string {
  const lines = ops.filter((o) => o.kind !== 'setComment').map((o) => `--   ${describeOp(o)}`);
  const shown = lines.length > 30 ? [...lines.slice(0, 30), `--   ... and ${lines.length - 30} more`] : lines;
  return `-- Generated by smartem-db from the Drizzle model (${ops.length} change${ops.length === 1 ? '' : 's'}):\n${shown.join('\n')}\n\n`;
}
