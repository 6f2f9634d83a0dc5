import { join } from 'node:path';
import type { DbSession } from '../db/session.js';
import { readJournal, type JournalRef, type JournalRow } from './journal.js';
import { verifyFolderManifest, type MigrationsFolder } from './migration-folder.js';
import { unfinishedError } from './upgrade-plan.js';

export type MigrationState = 'applied' | 'pending' | 'failed' | 'running' | 'missing';

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
  /** Each problem with what to do about it; empty when the database and the folder agree. */
  problems: string[];
}

/**
 * Reads the journal and the folder and says, per migration, whether it is applied (when, how
 * long it took, whether its file changed since), pending, failed midway or missing from disk.
 * It only reads: no lock, no DDL.
 */
export async function readStatus(session: DbSession, folder: MigrationsFolder, ref: JournalRef): Promise<StatusReport> {
  const rows = (await readJournal(session, ref)) ?? [];
  return describeStatus(session.label, folder, ref, rows);
}

export function describeStatus(database: string, folder: MigrationsFolder, ref: JournalRef, rows: readonly JournalRow[]): StatusReport {
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
    if (!row) return { id: m.id, state: 'pending' };
    const checksumMatches = row.checksum === m.checksum;
    if (!checksumMatches) {
      problems.push(`${m.up.file} was edited after it was applied (journal ${row.checksum}, file ${m.checksum}); revert the edit.`);
    }
    if (row.status !== 'applied') problems.push(unfinishedError(row, ref).message);
    return {
      id: m.id,
      state: row.status,
      appliedAt: row.appliedAt,
      executionMs: row.executionMs,
      stamped: row.stamped,
      checksumMatches,
      statementsDone: row.statementsDone,
      statementsTotal: row.statementsTotal,
      error: row.error,
    };
  });
  for (const row of rows) {
    if (onDisk.has(row.id)) continue;
    migrations.push({ id: row.id, state: 'missing', appliedAt: row.appliedAt, executionMs: row.executionMs, stamped: row.stamped });
    problems.push(`${row.id} is applied but ${join(folder.shown, row.id)}/ is missing; restore it from version control.`);
  }
  const applied = folder.migrations.filter((m) => byId.get(m.id)?.status === 'applied');
  const last = applied.at(-1);
  const late = last ? folder.migrations.filter((m) => !byId.has(m.id) && m.number < last.number) : [];
  for (const m of late) problems.push(`${m.id} is pending but sorts before the applied ${last!.id} (out of order).`);
  return {
    database,
    journal: `${ref.schema}.${ref.table}`,
    head: last?.id ?? null,
    latest: folder.migrations.at(-1)?.id ?? null,
    migrations,
    pending: migrations.filter((m) => m.state === 'pending').length,
    problems,
  };
}
