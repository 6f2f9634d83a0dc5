import { introspect } from '../catalog/introspect.js';
import type { DbSession } from '../db/session.js';
import type { JournalRef } from '../migrations/journal.js';
import type { Logger } from '../migrations/logger.js';
import { appliedIds, readJournal } from '../migrations/journal.js';
import { verifyFolderManifest, type MigrationsFolder } from '../migrations/migration-folder.js';
import { MANIFEST_FILE } from '../migrations/manifest.js';
import { join } from 'node:path';
import type { FileProblem } from './verify.js';
import { describeStatus, type StatusReport } from '../migrations/status.js';
import { catalogDifferences } from '../catalog/catalog-differences.js';
import { replayMigrations } from '../scratch/replay.js';
import { invalidIndexes } from '../catalog/invalid-indexes.js';
import type { ModelKeep } from '../scratch/model-keep.js';
import { modelSite } from '../scratch/model-state.js';
import { ScratchPool, type ScratchTarget } from '../scratch/scratch-databases.js';
import { currentState, keptReplayNote } from '../scratch/replay-cache.js';
import { answerGate } from '../scratch/answer-gate.js';

export interface CheckReport {
  /** Problems in the migrations folder itself (a file edited without `hash`), each with its file. */
  folder: FileProblem[];
  /** Question 1: do the migrations produce the Drizzle model? Each line an object that differs. */
  model: {
    ok: boolean;
    differences: string[];
    hint: string | null;
    /** The answer came from `.smartem-db/` (the same model files and folder made the model last time): no database was touched. */
    cached?: boolean;
  };
  /** Question 2 (when a database was given): its migrations, and whether its catalog drifted. */
  database: null | {
    ok: boolean;
    label: string;
    status: StatusReport;
    /** Each object that differs from what the applied migrations produce. */
    drift: string[];
    /** Applied migrations whose files were edited since, as file problems (CI annotations). */
    editedFiles: FileProblem[];
  };
}

export interface CheckInput {
  folder: MigrationsFolder;
  journal: JournalRef;
  /** The model's statements, or their promise: the scratch databases are made meanwhile. */
  modelStatements: string[] | Promise<string[]>;
  scratch: ScratchTarget;
  /** The keys of the folder's replays (replayKeys), to take a kept one; null or absent replays it. */
  replayKeys?: readonly string[] | null;
  /** Whose kept model database to take and keep (server only); null or absent builds the model anew. */
  modelKeep?: ModelKeep | null;
  /** Whether these statements made the model before (the cache): then the model question is answered so. */
  answeredBefore?: (statements: string[]) => boolean;
  /** When the scratch databases may be made (default: at once); see answerGate. */
  scratchFrom?: Promise<void>;
  /** The live database for question 2, if any. */
  live?: DbSession;
  logger?: Logger;
}

/**
 * `alembic check` and more: (1) replays the migrations and applies the model on scratch
 * databases and lists every object that differs; (2) for a live database, reports pending,
 * unknown, failed and edited migrations, and every object whose catalog differs from what its
 * applied migrations produce (an index added by hand, a column altered by hand).
 * Its cost grows with migrations and tables, not rows.
 */
export async function runCheck(input: CheckInput): Promise<CheckReport> {
  const exclude = { excludeSchemas: [input.journal.schema] };
  try {
    verifyFolderManifest(input.folder);
  } catch (error) {
    // The folder cannot be replayed as reviewed: that answers question 1 already.
    const folder = [{ file: join(input.folder.shown, MANIFEST_FILE), message: (error as Error).message }];
    return {
      folder,
      model: { ok: false, differences: [], hint: 'Fix the migrations folder first (see above).' },
      database: null,
    };
  }
  const liveRows = input.live ? ((await readJournal(input.live, input.journal)) ?? []) : [];
  const applied = appliedIds(liveRows);
  const liveHead = input.folder.migrations.filter((m) => applied.has(m.id)).at(-1);
  const atHead = liveHead?.id === input.folder.migrations.at(-1)?.id;

  const pool = new ScratchPool(input.scratch);
  try {
    input.logger?.info('Replaying the migrations and applying the Drizzle model on scratch databases ...');
    const gate = answerGate(input.modelStatements, input.answeredBefore, input.scratchFrom);
    const replayedP = gate.start(() => currentState(pool, input.folder, input.journal, input.replayKeys ?? null));
    const site = modelSite(
      pool,
      input.folder.migrations.map((m) => m.up.text),
      { start: gate.start, keep: input.modelKeep ?? null },
    );
    const [decided, replayed, modelled] = await Promise.allSettled([
      gate.decided,
      replayedP,
      gate.start(async () => {
        const { statements } = await gate.decided;
        return site.catalog(statements, () => replayedP, exclude);
      }),
    ]);
    if (decided.status === 'rejected') throw decided.reason;
    if (replayed.status === 'rejected') throw replayed.reason;
    if (modelled.status === 'rejected') throw modelled.reason;
    if (decided.value.answered || !replayed.value || !modelled.value)
      return { folder: [], model: { ok: true, differences: [], hint: null, cached: true }, database: null };
    const state = replayed.value;
    if (state.fromKept) input.logger?.info(keptReplayNote(state.fromKept.migrations, input.folder.migrations.length));
    const fromMigrations = state.catalog;
    const fromModel = modelled.value;
    const differences = catalogDifferences(fromMigrations, fromModel);
    const report: CheckReport = {
      folder: [],
      model: {
        ok: differences.length === 0,
        differences,
        hint: differences.length
          ? 'The Drizzle model has changes that no migration makes: run npm run db:generate.'
          : null,
      },
      database: null,
    };
    // Only read: still the replay, kept for the next run.
    await state.keep?.(fromMigrations).catch(() => {});
    if (!input.live) return report;

    // An index a failed concurrent build left INVALID matches its definition, so the catalog
    // comparison alone would not see it: name it among the problems.
    const status = describeStatus(input.live.label, input.folder, input.journal, liveRows, {
      invalidIndexes: await invalidIndexes(input.live, [input.journal.schema]),
    });
    let expected = fromMigrations;
    if (!atHead) {
      // What the live database should look like is what its applied migrations produce.
      expected = await replayMigrations(await pool.create(), input.folder, input.journal, liveHead?.id ?? 'base');
    }
    const drift = catalogDifferences(await introspect(input.live, exclude), expected);
    const pendingProblems = status.pending > 0 ? [`${status.pending} migration(s) pending`] : [];
    const editedFiles = status.migrations
      .filter((m) => m.checksumMatches === false)
      .map((m) => ({
        file: join(input.folder.shown, m.id, 'up.sql'),
        message: `${m.id}/up.sql was edited after it was applied to ${input.live!.label}.`,
      }));
    report.database = {
      ok: status.problems.length === 0 && pendingProblems.length === 0 && drift.length === 0,
      label: input.live.label,
      status: { ...status, problems: [...status.problems, ...pendingProblems] },
      drift,
      editedFiles,
    };
    return report;
  } finally {
    await pool.close();
  }
}
