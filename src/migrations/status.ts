import { join } from 'node:path';
import type { DbSession } from '../db/session.js';
import { readJournal, type JournalRef, type JournalRow } from './journal.js';
import { verifyFolderManifest, type MigrationsFolder } from './migration-folder.js';
import { invalidIndexes, invalidIndexProblem, type InvalidIndex } from '../catalog/invalid-indexes.js';
import { migrationLockHolder } from './advisory-lock.js';
import { firstContract, unfinishedEditProblem, unfinishedError } from './upgrade-plan.js';
import { qualifiedName } from '../catalog/qualified-name.js';

/**
 * `running`: a no-transaction migration another process is applying right now (it holds the
 * migration lock); `interrupted`: one whose process died midway; `failed`: one that stopped at a
 * failing statement.
 */
export type MigrationState = 'applied' | 'pending' | 'failed' | 'running' | 'interrupted' | 'missing';

export interface MigrationStatus {
  id: string;
  state: MigrationState;
  appliedAt?: Date;
  executionMs?: number | null;
  stamped?: boolean;
  /** False when the file on disk differs from what was applied. */
  checksumMatches?: boolean;
  statementsDone?: number;
  statementsTotal?: number;
  error?: string | null;
  /** A contract: the expand it completes (pending contracts run only with `upgrade --contract`). */
  contracts?: string;
}

export interface StatusReport {
  database: string;
  journal: string;
  /** The last applied migration, or null at base. */
  head: string | null;
  /** The last migration on disk. */
  latest: string | null;
  migrations: MigrationStatus[];
  pending: number;
  /** Of those pending, the ones `upgrade` applies: those before the first contract, which waits to be asked for. */
  due: number;
  /** Each problem with what to do about it; empty when the database and the folder agree. */
  problems: string[];
  /** Who is applying migrations right now (a no-transaction migration in progress), if anyone. */
  runningNow: string | null;
  /**
   * Expands applied whose contract is not: the old and the new column both exist, kept equal by a
   * trigger, until `upgrade --contract` runs the contract.
   */
  waitingForContract: { expand: string; contract: string }[];
}

/** What status reads from the database besides the journal. */
interface StatusContext {
  /** The holder of the migration lock, when a journal row says a migration is running. */
  lockHolder?: string;
  invalidIndexes?: readonly InvalidIndex[];
}

/**
 * Reads the journal and the folder and says, per migration, whether it is applied (when, how
 * long it took, whether its file changed since), pending, failed midway or missing from disk.
 * It only reads: no lock, no DDL.
 */
export async function readStatus(session: DbSession, folder: MigrationsFolder, ref: JournalRef): Promise<StatusReport> {
  const rows = (await readJournal(session, ref)) ?? [];
  const lockHolder = rows.some((r) => r.status === 'running') ? await migrationLockHolder(session, ref) : undefined;
  const indexes = await invalidIndexes(session, [ref.schema]);
  return describeStatus(session.label, folder, ref, rows, { lockHolder, invalidIndexes: indexes });
}

export function describeStatus(
  database: string,
  folder: MigrationsFolder,
  ref: JournalRef,
  rows: readonly JournalRow[],
  context: StatusContext = {},
): StatusReport {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const onDisk = new Set(folder.migrations.map((m) => m.id));
  const problems: string[] = [];
  try {
    verifyFolderManifest(folder);
  } catch (error) {
    problems.push((error as Error).message);
  }
  const migrations: MigrationStatus[] = folder.migrations.map((m) => {
    const row = byId.get(m.id);
    const contracts = m.contracts ? { contracts: m.contracts } : {};
    if (!row) return { id: m.id, state: 'pending', ...contracts };
    const checksumMatches = row.checksum === m.checksum;
    const live = row.status === 'running' && context.lockHolder !== undefined;
    if (!checksumMatches) {
      const problem =
        row.status === 'applied'
          ? `${m.up.file} was edited after it was applied (journal ${row.checksum}, file ${m.checksum}); revert the edit.`
          : unfinishedEditProblem(m, row);
      if (problem) problems.push(problem);
    }
    if (row.status !== 'applied' && !live) problems.push(unfinishedError(row, ref).message);
    return {
      id: m.id,
      state: row.status === 'running' ? (live ? 'running' : 'interrupted') : row.status,
      appliedAt: row.appliedAt,
      executionMs: row.executionMs,
      stamped: row.stamped,
      checksumMatches,
      statementsDone: row.statementsDone,
      statementsTotal: row.statementsTotal,
      error: row.error,
      ...contracts,
    };
  });
  for (const row of rows) {
    if (onDisk.has(row.id)) continue;
    migrations.push({
      id: row.id,
      state: 'missing',
      appliedAt: row.appliedAt,
      executionMs: row.executionMs,
      stamped: row.stamped,
    });
    problems.push(
      `${row.id} is applied but ${join(folder.shown, row.id)}/ is missing; restore it from version control.`,
    );
  }
  const applied = folder.migrations.filter((m) => byId.get(m.id)?.status === 'applied');
  const last = applied.at(-1);
  const late = last ? folder.migrations.filter((m) => !byId.has(m.id) && m.number < last.number) : [];
  for (const m of late) problems.push(`${m.id} is pending but sorts before the applied ${last!.id} (out of order).`);
  const running = rows.find((r) => r.status === 'running');
  const runningNow =
    running && context.lockHolder !== undefined
      ? `${running.id} is being applied now (${running.direction === 'down' ? 'rolled back' : 'applied'} statement by statement, ` +
        `${running.statementsDone} of ${running.statementsTotal} done) by ${context.lockHolder}.`
      : null;
  // A concurrent build in progress has an invalid index until it finishes: not a problem then.
  if (!runningNow) for (const index of context.invalidIndexes ?? []) problems.push(invalidIndexProblem(index));
  return {
    database,
    journal: qualifiedName(ref.schema, ref.table),
    head: last?.id ?? null,
    latest: folder.migrations.at(-1)?.id ?? null,
    migrations,
    pending: migrations.filter((m) => m.state === 'pending').length,
    due: dueCount(migrations.filter((m) => m.state === 'pending')),
    problems,
    runningNow,
    waitingForContract: folder.migrations.flatMap((m) =>
      m.contracts && byId.get(m.contracts)?.status === 'applied' && !byId.has(m.id)
        ? [{ expand: m.contracts, contract: m.id }]
        : [],
    ),
  };
}

/** Of the pending migrations, those before the first contract (which, with what follows it, waits for `upgrade --contract`). */
function dueCount(pending: readonly MigrationStatus[]): number {
  const held = firstContract(pending);
  return held < 0 ? pending.length : held;
}
