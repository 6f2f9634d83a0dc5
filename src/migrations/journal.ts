import { sqlStateOf, type DbSession } from '../db/session.js';
import { quoteIdent } from '../model/quote.js';

/** Where the journal lives; its own schema keeps it out of the application's tables and diffs. */
export interface JournalRef {
  schema: string;
  table: string;
}

export const DEFAULT_JOURNAL: JournalRef = { schema: 'smartem_db', table: 'migrations' };

export type JournalStatus = 'applied' | 'running' | 'failed';

/** One row of the journal: a migration that is applied, or a no-transaction one that stopped midway. */
export interface JournalRow {
  id: string;
  checksum: string;
  status: JournalStatus;
  appliedAt: Date;
  executionMs: number | null;
  statementsDone: number;
  statementsTotal: number;
  error: string | null;
  stamped: boolean;
  /** For an unfinished row: whether up.sql or down.sql stopped midway. */
  direction: 'up' | 'down';
}

export function journalName(ref: JournalRef): string {
  return `${quoteIdent(ref.schema)}.${quoteIdent(ref.table)}`;
}

export function journalDdl(ref: JournalRef): string {
  return [
    `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(ref.schema)};`,
    `CREATE TABLE IF NOT EXISTS ${journalName(ref)} (`,
    '  id text PRIMARY KEY,',
    '  checksum text NOT NULL,',
    "  status text NOT NULL DEFAULT 'applied' CHECK (status IN ('applied', 'running', 'failed')),",
    '  applied_at timestamptz NOT NULL DEFAULT now(),',
    '  execution_ms integer,',
    '  statements_done integer NOT NULL DEFAULT 0,',
    '  statements_total integer NOT NULL DEFAULT 0,',
    '  error text,',
    '  stamped boolean NOT NULL DEFAULT false,',
  "  direction text NOT NULL DEFAULT 'up' CHECK (direction IN ('up', 'down'))",
    ');',
  ].join('\n');
}

/**
 * Reads the journal in one round trip; an absent journal (a database never migrated) reads as
 * undefined rather than failing, so the no-op path needs no DDL.
 */
export async function readJournal(session: DbSession, ref: JournalRef): Promise<JournalRow[] | undefined> {
  try {
    const rows = await session.query<{
      id: string;
      checksum: string;
      status: JournalStatus;
      applied_at: Date | string;
      execution_ms: number | null;
      statements_done: number;
      statements_total: number;
      error: string | null;
      stamped: boolean;
      direction: 'up' | 'down';
    }>(
      `SELECT id, checksum, status, applied_at, execution_ms, statements_done, statements_total, error, stamped, direction FROM ${journalName(ref)} ORDER BY id`,
    );
    return rows.map((r) => ({
      id: r.id,
      checksum: r.checksum,
      status: r.status,
      appliedAt: new Date(r.applied_at),
      executionMs: r.execution_ms,
      statementsDone: r.statements_done,
      statementsTotal: r.statements_total,
      error: r.error,
      stamped: r.stamped,
      direction: r.direction,
    }));
  } catch (error) {
    const state = sqlStateOf(error);
    if (state === '42P01' || state === '3F000') return undefined;
    throw error;
  }
}

export async function ensureJournal(session: DbSession, ref: JournalRef): Promise<void> {
  await session.exec(journalDdl(ref));
}

export function insertAppliedSql(ref: JournalRef): string {
  return `INSERT INTO ${journalName(ref)} (id, checksum, status, execution_ms, statements_done, statements_total, stamped) VALUES ($1, $2, 'applied', $3, $4, $4, false)`;
}
