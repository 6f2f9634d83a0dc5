import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DbSession } from '../db/session.js';
import { SmartemDbError } from '../errors.js';
import { describeOp } from '../render/op-kinds.js';
import { invertAll } from '../render/op-kinds.js';
import type { Op } from '../ops/op.js';
import type { JournalRef } from '../migrations/journal.js';
import type { Logger } from '../migrations/logger.js';
import { readMigrationsFolder, rehashMigrationsFolder, type MigrationsFolder } from '../migrations/migration-folder.js';
import { renderHeader } from '../migrations/migration-header.js';
import { formatMigrationName } from '../migrations/migration-name.js';
import type { Hazard } from '../hazards/hazard.js';
import { renderScript, type RenderedScript } from '../render/render-script.js';
import { classifyScript } from '../lint/classify-script.js';
import type { FolderAndModel } from '../scratch/folder-and-model.js';
import { acknowledged, dataLossObject, noHints, type Hints } from './hints.js';
import { Timings, type Timing } from './timings.js';
import { diffInSteps } from './staged-diff.js';
import {
  askRenames,
  refuseUnacknowledgedLocks,
  refuseUnacknowledgedLoss,
  refuseUnseenDifferences,
  warnAboutBigTables,
} from './plan-checks.js';
import { checkLiveMatches, proveMigration } from './prove-migration.js';
import { movesBigTables, planExpandContract } from './expand-contract.js';
import { DEFAULT_SMALL_TABLE_ROWS } from '../lint/lint-migrations.js';
import type { Catalog } from '../catalog/catalog.js';
import { mermaidOf } from '../picture/mermaid.js';
import { changedPart, schemaPicture } from '../picture/schema-picture.js';

interface GenerateInput {
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
  /**
   * Write a rename or a rewriting type change of an existing table's column as an expand and a
   * contract migration (the old and the new application run side by side in between).
   */
  expandContract?: boolean | undefined;
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
  /** What the migration changes, as a Mermaid diagram of the changed tables and their neighbours. */
  picture?: string;
  /** With expand and contract: the contract migration written after the expand (`id`). */
  contract?: { id: string; up: string; down: string };
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
  let expandContract = input.expandContract;
  if (expandContract === undefined && input.fromDb && input.plain === undefined) {
    const big = await movesBigTables(input.fromDb, ops, input.journal.schema);
    expandContract = big.length > 0;
    if (expandContract)
      log?.info(
        `Writing expand and contract (the default for tables over ${DEFAULT_SMALL_TABLE_ROWS.toLocaleString('en')} rows: ${big.join(', ')}); --no-expand-contract writes one migration.`,
      );
  }
  const split = expandContract
    ? await timings.time('expand and contract', () =>
        planExpandContract({
          replay: states.replay,
          have,
          want,
          ops,
          hints,
          allowDataLoss: input.allowDataLoss ?? false,
          exclude,
        }),
      )
    : null;
  if (expandContract && !split) {
    log?.warn(
      '--expand-contract: no column of an existing table is renamed or changes type in a way that rewrites it; writing one migration.',
    );
  }
  const judged = performance.now();
  const last = input.folder.migrations.at(-1);
  const now = input.now ?? new Date();
  const number = (last?.number ?? 0) + 1;
  const planned = split
    ? [
        { id: formatMigrationName(now, number, input.name), ops: split.expand },
        { id: formatMigrationName(now, number + 1, `contract ${input.name}`), ops: split.contract },
      ]
    : [{ id: formatMigrationName(now, number, input.name), ops }];
  const migrations: Written[] = [];
  for (const [i, { id, ops: part }] of planned.entries()) {
    const parent = i === 0 ? (last?.id ?? null) : planned[i - 1]!.id;
    const contracts = split && i === 1 ? planned[0]!.id : undefined;
    migrations.push(await written(input, hints, { id, parent, ops: part, contracts, have, want }));
  }
  timings.add('render and judge the SQL', performance.now() - judged);

  log?.info(`Proving ${migrations.map((m) => m.id).join(' and ')}: up must give the model, down the state before ...`);
  const session = await timings.time("the folder's state on a scratch database, for the proof", () => proving);
  const { afterUp } = await timings.time('proof', async () =>
    proveMigration({ session, folder: input.folder, journal: input.journal, migrations, want, have, exclude }),
  );

  const writing = performance.now();
  for (const m of migrations) {
    const dir = join(input.folder.folder, m.id);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'up.sql'), m.files.up);
    writeFileSync(join(dir, 'down.sql'), m.files.down);
  }
  rehashMigrationsFolder(input.folder.folder);
  // What the folder now produces was just read, after up: the next run needs no replay for it.
  await states.rememberFolder(readMigrationsFolder(input.folder.folder), afterUp);
  timings.add('write the files and the manifest', performance.now() - writing);
  const picture = mermaidOf(changedPart(schemaPicture(want, have)));
  const [first, contract] = migrations;
  return {
    id: first!.id,
    ops: migrations.flatMap((m) => m.ops),
    up: first!.files.up,
    down: first!.files.down,
    hazards: migrations.flatMap((m) => m.hazards),
    proved: true,
    picture,
    ...(contract ? { contract: { id: contract.id, up: contract.files.up, down: contract.files.down } } : {}),
  };
}

interface Written {
  id: string;
  ops: Op[];
  files: { up: string; down: string };
  hazards: Hazard[];
}

/**
 * One migration's up.sql and down.sql, judged by the lint's classifier: data loss and locks must
 * be acknowledged (by the hints, --allow-data-loss, --plain), renames asked for are, and so is
 * what expand and contract does by design.
 */
async function written(
  input: GenerateInput,
  hints: Hints,
  part: { id: string; parent: string | null; ops: Op[]; contracts: string | undefined; have: Catalog; want: Catalog },
): Promise<Written> {
  const { ops } = part;
  const online = input.plain === undefined && input.online !== false;
  // A contract is one transaction: the trigger, the old column and its indexes go together, so
  // that no write sees the trigger gone and the old column still there.
  const up = await classifyScript(renderScript(ops, { online: online && !part.contracts }), {
    catalog: part.have,
    acknowledge: (op, hazard) => {
      if (op.kind === 'contractColumn' || (part.contracts && hazard.kind !== 'data-loss'))
        return CONTRACT_ACKNOWLEDGED[hazard.kind];
      if (op.kind === 'remakeTable' && hazard.kind === 'data-loss' && dataLossObject(op) === null)
        return 'the rows were copied into the table made again first';
      if (op.kind === 'expandColumn' && hazard.kind !== 'data-loss')
        return 'expand: the new column, its trigger and its backfill take brief locks only';
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
  refuseSplitRemake(up, ops, online && !part.contracts);
  if (input.plain && input.fromDb) await warnAboutBigTables(input.fromDb, up, input.journal, input.logger);
  const down = await classifyScript(renderScript(invertAll(ops), { online }), { catalog: part.want });
  const note = part.contracts
    ? `-- The contract of ${part.contracts}: run it once no instance of the application's previous version runs\n` +
      '-- (`smartem-db upgrade --contract`, or migrate({ contract: true })); until then migrate() stops before it.\n\n'
    : '';
  return {
    id: part.id,
    ops,
    hazards: up.hazards,
    files: {
      up:
        renderHeader(part.id, part.parent, up.transactional, 'up', part.contracts) +
        summary(ops) +
        note +
        transactionNote(up.transactional) +
        up.sql,
      down:
        renderHeader(part.id, part.parent, down.transactional, 'down') + transactionNote(down.transactional) + down.sql,
    },
  };
}

/**
 * A table made again in the plain form runs in one transaction, or the application would find it
 * missing between its rename and its copy: a migration whose other changes need to run without
 * one is refused. (The online form commits step by step by design.)
 */
function refuseSplitRemake(up: RenderedScript, ops: readonly Op[], online: boolean): void {
  const remade = ops.find((op) => op.kind === 'remakeTable' && !(online && op.online));
  if (!remade || up.transactional) return;
  throw new SmartemDbError(
    'UNSUPPORTED_CHANGE',
    `${describeOp(remade)} must run in one transaction, but other changes of this migration cannot (an enum value added and used). ` +
      'Generate them in migrations of their own: first the enum value, then the table.',
  );
}

/** Why the contract's hazards are acceptable: they are what it is for, and it runs only when asked. */
const CONTRACT_ACKNOWLEDGED: Record<Hazard['kind'], string> = {
  'data-loss': "the old column's values live on in the new one, kept equal by the expand's trigger",
  'breaking-change': "the contract runs only when asked, once the application's previous version no longer runs",
  'blocking-lock': 'the contract changes only the catalog, under a brief lock',
  'table-rewrite': 'the contract changes only the catalog, under a brief lock',
};

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
