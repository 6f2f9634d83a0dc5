import { SCRATCH_ROWS_ARE_SAMPLES, scratchRunner } from '../scratch/replay.js';
import { join } from 'node:path';
import { introspect } from '../catalog/introspect.js';
import type { JournalRef } from '../migrations/journal.js';
import type { Logger } from '../migrations/logger.js';
import { verifyFolderManifest, type MigrationsFolder } from '../migrations/migration-folder.js';
import { MANIFEST_FILE } from '../migrations/manifest.js';
import { downgrade, upgrade } from '../migrations/runner.js';
import { splitStatements } from '../sql/sql-split.js';
import { catalogDifferences } from '../catalog/catalog-differences.js';
import type { Catalog, Table } from '../catalog/catalog.js';
import type { DbSession } from '../db/session.js';
import { insertSampleRows, tableContents } from './sample-rows.js';
import { withScratchDatabases, type ScratchTarget } from '../scratch/scratch-databases.js';
import { lintMigrations, type LintReport } from '../lint/lint-migrations.js';
import { keyOf } from '../catalog/qualified-name.js';

/** A problem found in a migration file, with the file to point at (a CI annotation). */
export interface FileProblem {
  file: string;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  /** History, manifest and down-file problems, each with its file. */
  problems: FileProblem[];
  /** The hazard lint of every migration (acknowledged hazards pass). */
  lint: LintReport;
  /** The round trip of each migration on a scratch database; null when the checks above failed. */
  stairway: null | {
    ok: boolean;
    checked: number;
    failedAt: string | null;
    file: string | null;
    step: string | null;
    details: string[];
  };
}

/**
 * The tests a careful team writes for its migrations (pytest-alembic's), built in: a single
 * linear history, a manifest that matches, a down for every migration, and the stairway: each
 * migration in order goes up, down (which must give back the state before it) and up again
 * (which must give the same state as the first time), on a scratch database.
 */
export async function runVerify(input: {
  folder: MigrationsFolder;
  journal: JournalRef;
  scratch: ScratchTarget;
  /** Insert sample rows before each step, and fail a down that changes the rows of a table its migration did not touch. */
  withData?: boolean;
  logger?: Logger;
}): Promise<VerifyReport> {
  const problems = [...historyProblems(input.folder), ...downProblems(input.folder)];
  try {
    verifyFolderManifest(input.folder);
  } catch (error) {
    problems.push({ file: join(input.folder.shown, MANIFEST_FILE), message: (error as Error).message });
  }
  const lint = await lintMigrations(input.folder.migrations);
  if (problems.length > 0) return { ok: false, problems, lint, stairway: null };

  const exclude = { excludeSchemas: [input.journal.schema] };
  const stairway = await withScratchDatabases(input.scratch, 1, async ([session]) => {
    const ctx = scratchRunner(session!, input.folder, input.journal);
    let before: Catalog = await introspect(session!, exclude);
    let checked = 0;
    let round = 0;
    for (const m of input.folder.migrations) {
      const fail = (step: string, details: string[]) => ({
        ok: false,
        checked,
        failedAt: m.id,
        file: m.up.file,
        step,
        details,
      });
      input.logger?.info(`[${checked + 1}/${input.folder.migrations.length}] ${m.id}: up, down, up ...`);
      const attempt = async (step: string, run: () => Promise<unknown>) => {
        try {
          await run();
          return null;
        } catch (error) {
          return fail(step, [(error as Error).message]);
        }
      };
      if (input.withData) await insertSampleRows(session!, before, round++);
      const rowsBefore = input.withData ? await tableContents(session!, before.tables) : new Map<string, string>();
      const up = await attempt('up', () => upgrade(ctx, { to: m.id }));
      if (up) return up;
      const after = await introspect(session!, exclude);
      // Tables the migration leaves alone: the same definition, and the same rows after its up.
      const untouched = input.withData ? await untouchedTables(session!, before, after, rowsBefore) : [];
      const down = await attempt('down', () => downgrade(ctx, { steps: 1 }, SCRATCH_ROWS_ARE_SAMPLES));
      if (down) return down;
      const backAgain = catalogDifferences(await introspect(session!, exclude), before);
      if (backAgain.length) return fail('down (the state before the migration is not restored)', backAgain);
      if (untouched.length) {
        const rowsAfter = await tableContents(session!, untouched);
        const changed = untouched.filter((t) => rowsAfter.get(keyOf(t)) !== rowsBefore.get(keyOf(t)));
        if (changed.length) {
          return fail(
            'down (it changes the rows of tables the migration does not touch)',
            changed.map(
              (t) => `table ${keyOf(t)}: its rows differ after up and down, though the migration does not change it`,
            ),
          );
        }
      }
      const again = await attempt('up again', () => upgrade(ctx, { to: m.id }));
      if (again) return again;
      const sameAgain = catalogDifferences(await introspect(session!, exclude), after);
      if (sameAgain.length) return fail('up again (a second up gives a different state)', sameAgain);
      before = after;
      checked++;
    }
    return { ok: true, checked, failedAt: null, file: null, step: null, details: [] };
  });
  return { ok: stairway.ok && lint.ok, problems, lint, stairway };
}

async function untouchedTables(
  session: DbSession,
  before: Catalog,
  after: Catalog,
  rowsBefore: Map<string, string>,
): Promise<Table[]> {
  const same = before.tables.filter((t) => {
    const other = after.tables.find((x) => x.schema === t.schema && x.name === t.name);
    return other !== undefined && JSON.stringify(other) === JSON.stringify(t);
  });
  const rowsNow = await tableContents(session, same);
  return same.filter((t) => rowsNow.get(keyOf(t)) === rowsBefore.get(keyOf(t)));
}

/** One linear history: the first has no parent, each names the one before it; so one head. */
function historyProblems(folder: MigrationsFolder): FileProblem[] {
  const out: FileProblem[] = [];
  const ids = new Set(folder.migrations.map((m) => m.id));
  const named = new Map<string, string[]>();
  folder.migrations.forEach((m, i) => {
    const expected = i === 0 ? null : folder.migrations[i - 1]!.id;
    if (m.parent === undefined) {
      out.push({
        file: m.up.file,
        message: `${m.id} has no "-- parent:" header line; it should be "-- parent: ${expected ?? 'none'}".`,
      });
      return;
    }
    if (m.parent !== null && !ids.has(m.parent)) {
      out.push({ file: m.up.file, message: `${m.id} names parent ${m.parent}, which is not in the folder.` });
    } else if (m.parent !== expected) {
      out.push({
        file: m.up.file,
        message: `${m.id} names parent ${m.parent ?? 'none'}, but the migration before it is ${expected ?? 'none (it is the first)'}.`,
      });
    }
    if (m.parent !== null) named.set(m.parent, [...(named.get(m.parent) ?? []), m.id]);
  });
  for (const [parent, children] of named) {
    if (children.length > 1) {
      const file = folder.migrations.find((m) => m.id === children[1])!.up.file;
      out.push({
        file,
        message: `${children.join(' and ')} all name ${parent} as parent: two branches each added a migration. Renumber the later one to follow the other.`,
      });
    }
  }
  return out;
}

function downProblems(folder: MigrationsFolder): FileProblem[] {
  return folder.migrations.flatMap((m): FileProblem[] => {
    if (!m.down)
      return [
        {
          file: join(folder.shown, m.id, 'down.sql'),
          message: `${m.id} has no down.sql, so it cannot be rolled back.`,
        },
      ];
    if (splitStatements(m.down.text).length === 0 && splitStatements(m.up.text).length > 0) {
      return [
        { file: m.down.file, message: `${m.id}'s down.sql has no statements, so rolling it back would undo nothing.` },
      ];
    }
    return [];
  });
}
