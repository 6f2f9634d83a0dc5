import { introspect } from '../catalog/introspect.js';
import type { DbSession } from '../db/session.js';
import type { JournalRef } from '../migrations/journal.js';
import type { Logger } from '../migrations/logger.js';
import { appliedIds, readJournal } from '../migrations/journal.js';
import { verifyFolderManifest, type MigrationsFolder } from '../migrations/migration-folder.js';
import { MANIFEST_FILE } from '../migrations/manifest.js';
import { join } from 'node:path';
import { mermaidOf } from '../picture/mermaid.js';
import { changedPart, schemaPicture } from '../picture/schema-picture.js';
import type { FileProblem } from './verify.js';
import { describeStatus, type StatusReport } from '../migrations/status.js';
import { catalogDifferences } from '../catalog/catalog-differences.js';
import { invalidIndexes } from '../catalog/invalid-indexes.js';
import type { FolderAndModel } from '../scratch/folder-and-model.js';

export interface CheckReport {
  /** Problems in the migrations folder itself (a file edited without `hash`), each with its file. */
  folder: FileProblem[];
  /** Question 1: do the migrations produce the Drizzle model? Each line an object that differs. */
  model: {
    ok: boolean;
    differences: string[];
    hint: string | null;
    /** Both catalogs came from the project's store (.smartem-db/): no scratch database was made. */
    cached?: boolean;
    /** When they differ: what the next migration would change, as a Mermaid diagram (the changed tables and their neighbours). */
    picture?: string;
  };
  /** Why question 2 was not asked, when it was not. */
  databaseNotChecked?: string;
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

interface CheckInput {
  folder: MigrationsFolder;
  journal: JournalRef;
  /** The folder's and the model's catalogs (folderAndModel): opened once the folder's files check out. */
  states: () => Promise<FolderAndModel>;
  /** The live database for question 2, if any. */
  live?: DbSession;
  /** Why there is none (said in the report). */
  noLive?: string;
  logger?: Logger;
}

/**
 * `alembic check` and more: (1) compares the catalog the migrations produce with the model's and
 * lists every object that differs; (2) for a live database, reports pending, unknown, failed and
 * edited migrations, and every object whose catalog differs from what its applied migrations
 * produce (an index added by hand, a column altered by hand).
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
      databaseNotChecked: 'the migrations folder must be fixed first',
    };
  }
  const liveRows = input.live ? ((await readJournal(input.live, input.journal)) ?? []) : [];
  const applied = appliedIds(liveRows);
  const liveHead = input.folder.migrations.filter((m) => applied.has(m.id)).at(-1);
  const atHead = liveHead?.id === input.folder.migrations.at(-1)?.id;

  input.logger?.info('Comparing what the migrations produce with the Drizzle model ...');
  const states = await input.states();
  try {
    const fromMigrations = states.folder;
    const differences = catalogDifferences(fromMigrations, states.model);
    const report: CheckReport = {
      folder: [],
      model: {
        ok: differences.length === 0,
        differences,
        hint: differences.length
          ? 'The Drizzle model has changes that no migration makes: run npm run db:generate.'
          : null,
        ...(states.fromStore ? { cached: true } : {}),
        ...(differences.length ? { picture: mermaidOf(changedPart(schemaPicture(states.model, fromMigrations))) } : {}),
      },
      database: null,
    };
    if (!input.live) return { ...report, databaseNotChecked: input.noLive ?? 'no database was given' };

    // An index a failed concurrent build left INVALID matches its definition, so the catalog
    // comparison alone would not see it: name it among the problems.
    const status = describeStatus(input.live.label, input.folder, input.journal, liveRows, {
      invalidIndexes: await invalidIndexes(input.live, [input.journal.schema]),
    });
    // What the live database should look like is what its applied migrations produce.
    const expected = atHead ? fromMigrations : await states.catalogAt(liveHead?.id ?? 'base');
    const drift = catalogDifferences(await introspect(input.live, exclude), expected);
    // A contract (and what follows it) waits for `upgrade --contract` by design: not a problem.
    const pendingProblems = status.due > 0 ? [`${status.due} migration(s) pending`] : [];
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
    await states.close();
  }
}
