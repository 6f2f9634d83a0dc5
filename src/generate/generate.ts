import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DbSession } from '../db/session.js';
import { describeOp } from '../render/op-kinds.js';
import { invertAll } from '../render/op-kinds.js';
import type { Op } from '../ops/op.js';
import type { JournalRef } from '../migrations/journal.js';
import type { Logger } from '../migrations/logger.js';
import { readMigrationsFolder, rehashMigrationsFolder, type MigrationsFolder } from '../migrations/migration-folder.js';
import { renderHeader } from '../migrations/migration-header.js';
import { formatMigrationName } from '../migrations/migration-name.js';
import type { Hazard } from '../hazards/hazard.js';
import { renderScript } from '../render/render-script.js';
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
  const picture = mermaidOf(changedPart(schemaPicture(want, have)));
  return { id, ops, up: files.up, down: files.down, hazards: up.hazards, proved: true, picture };
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
