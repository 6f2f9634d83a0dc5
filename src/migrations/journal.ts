import { sqlStateOf, type DbSession, type PipelinedQuery } from '../db/session.js';
import { withTransaction } from '../db/transaction.js';
import { SmartemDbError } from '../errors.js';
import { quoteIdent, quoteLiteral } from '../sql/quote.js';
import { qualifiedName } from '../catalog/qualified-name.js';

// The journal's one home: every read and write of the journal table is a function here, used by
// the runner, stamp and the offline SQL alike (as Alembic's version-table maintainer is).

/** Where the journal lives; its own schema keeps it out of the application's tables and diffs. */
export interface JournalRef {
  schema: string;
  table: string;
}

export const DEFAULT_JOURNAL: JournalRef = { schema: 'smartem_db', table: 'migrations' };

type JournalStatus = 'applied' | 'running' | 'failed';

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
  /** For an unfinished row: the checksum of the statements already done (an edit may not touch them). */
  doneChecksum: string | null;
  /** How the row came to be when not by running the migration (adopted from Alembic, say). */
  note: string | null;
}

export function journalName(ref: JournalRef): string {
  return `${quoteIdent(ref.schema)}.${quoteIdent(ref.table)}`;
}

/** The ids the journal records as applied (not a no-transaction migration that stopped midway). */
export function appliedIds(rows: readonly JournalRow[]): Set<string> {
  return new Set(rows.filter((r) => r.status === 'applied').map((r) => r.id));
}

/** The journal as `schema.table`, for messages. */
export function journalLabel(ref: JournalRef): string {
  return qualifiedName(ref.schema, ref.table);
}

// Columns a journal has had since the first version, and columns added since (added in place).
const CORE_COLUMNS = [
  'id',
  'checksum',
  'status',
  'applied_at',
  'execution_ms',
  'statements_done',
  'statements_total',
  'error',
  'stamped',
  'direction',
];
const ADDED_COLUMNS: Record<string, string> = { done_checksum: 'text', note: 'text' };

/** The journal's DDL: idempotent, and it brings a journal of an older version up to date. */
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
    ...Object.entries(ADDED_COLUMNS).map(
      ([name, type]) => `ALTER TABLE ${journalName(ref)} ADD COLUMN IF NOT EXISTS ${quoteIdent(name)} ${type};`,
    ),
  ].join('\n');
}

/**
 * Reads the journal in one round trip; an absent journal (a database never migrated) reads as
 * undefined rather than failing, so the no-op path needs no DDL. Rows are read whole (to_jsonb),
 * so a journal written by an older smartem-db, without the newer columns, still reads.
 */
export async function readJournal(session: DbSession, ref: JournalRef): Promise<JournalRow[] | undefined> {
  let rows: { row: string }[];
  try {
    rows = await session.query<{ row: string }>(`SELECT to_jsonb(j)::text AS row FROM ${journalName(ref)} j`);
  } catch (error) {
    const state = sqlStateOf(error);
    if (state === '42P01' || state === '3F000') return undefined;
    throw error;
  }
  const parsed = rows.map((r) => JSON.parse(r.row) as Record<string, unknown>);
  const missing = parsed[0] ? CORE_COLUMNS.filter((c) => !(c in parsed[0]!)) : [];
  if (missing.length > 0) throw notAJournal(ref, missing);
  return parsed
    .map((r) => ({
      id: String(r.id),
      checksum: String(r.checksum),
      status: r.status as JournalStatus,
      appliedAt: new Date(String(r.applied_at)),
      executionMs: (r.execution_ms as number | null) ?? null,
      statementsDone: Number(r.statements_done ?? 0),
      statementsTotal: Number(r.statements_total ?? 0),
      error: (r.error as string | null) ?? null,
      stamped: r.stamped === true,
      direction: r.direction === 'down' ? ('down' as const) : ('up' as const),
      doneChecksum: (r.done_checksum as string | null | undefined) ?? null,
      note: (r.note as string | null | undefined) ?? null,
    }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Creates the journal if it does not exist, and adds columns that newer versions need. Two
 * applications with separate journals may do this at once on a new database, and their
 * migration locks differ: a transaction-level lock on one fixed key serialises the DDL.
 */
export async function ensureJournal(session: DbSession, ref: JournalRef): Promise<void> {
  const present = await journalColumns(session, ref);
  if (present && Object.keys(ADDED_COLUMNS).every((c) => present.has(c))) return;
  if (present) {
    const missing = CORE_COLUMNS.filter((c) => !present.has(c));
    if (missing.length > 0) throw notAJournal(ref, missing);
  }
  try {
    await withTransaction(session, async () => {
      await session.query('SELECT pg_advisory_xact_lock($1::bigint)', [JOURNAL_DDL_LOCK]);
      await session.exec(journalDdl(ref));
    });
  } catch (error) {
    if ((error as { code?: string }).code === INSUFFICIENT_PRIVILEGE)
      throw await journalNotAllowed(session, ref, error);
    throw error;
  }
}

const INSUFFICIENT_PRIVILEGE = '42501';

/** The role may not make the journal: say which grant (or which schema made for it) lets it. */
async function journalNotAllowed(session: DbSession, ref: JournalRef, cause: unknown): Promise<SmartemDbError> {
  const [who] = await session
    .query<{ role: string; db: string; schema: boolean }>(
      `SELECT current_user AS role, current_database() AS db, to_regnamespace($1) IS NOT NULL AS schema`,
      [ref.schema],
    )
    .catch(() => [undefined]);
  const role = who ? quoteIdent(who.role) : '<the role>';
  const db = who ? quoteIdent(who.db) : '<the database>';
  const grant = who?.schema
    ? `GRANT USAGE, CREATE ON SCHEMA ${quoteIdent(ref.schema)} TO ${role}`
    : `GRANT CREATE ON DATABASE ${db} TO ${role}, or create the schema for it: CREATE SCHEMA ${quoteIdent(ref.schema)} AUTHORIZATION ${role}`;
  return new SmartemDbError(
    'PERMISSION_DENIED',
    `${session.label}: the role may not create the journal ${journalLabel(ref)} (${(cause as Error).message}). ` +
      `As an owner or superuser: ${grant}.`,
    { cause },
  );
}

// A fixed key, the same for every journal and every version: "smartem-db journal DDL".
const JOURNAL_DDL_LOCK = '7308604866352447296';

async function journalColumns(session: DbSession, ref: JournalRef): Promise<Set<string> | undefined> {
  const rows = await session.query<{ name: string }>(
    `SELECT a.attname AS name FROM pg_attribute a
      WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped`,
    [journalName(ref)],
  );
  return rows.length === 0 ? undefined : new Set(rows.map((r) => r.name));
}

function notAJournal(ref: JournalRef, missing: string[]): SmartemDbError {
  return new SmartemDbError(
    'JOURNAL_INVALID',
    `${journalLabel(ref)} exists but is not a smartem-db journal: it has no column${missing.length === 1 ? '' : 's'} ` +
      `${missing.map((c) => `"${c}"`).join(', ')}. Another tool may own a table of that name; keep smartem-db's journal ` +
      'elsewhere with --journal-schema/--journal-table (or the journal option of the API).',
  );
}

/**
 * The statement that records a migration applied, sent inside its transaction (with the script,
 * in one pipeline). The server measures the duration: the transaction began at the script's BEGIN.
 */
export function recordAppliedQuery(ref: JournalRef, id: string, checksum: string, statements: number): PipelinedQuery {
  return {
    text:
      `INSERT INTO ${journalName(ref)} (id, checksum, status, execution_ms, statements_done, statements_total) ` +
      "VALUES ($1, $2, 'applied', (extract(epoch FROM clock_timestamp() - now()) * 1000)::integer, $3, $3)",
    params: [id, checksum, statements],
  };
}

/** The statement that forgets a migration (rolled back), for a pipeline. */
export function forgetQuery(ref: JournalRef, id: string): PipelinedQuery {
  return { text: `DELETE FROM ${journalName(ref)} WHERE id = $1`, params: [id] };
}

/** A rolled-back migration is no longer in the journal. */
export async function forget(session: DbSession, ref: JournalRef, id: string): Promise<void> {
  const q = forgetQuery(ref, id);
  await session.query(q.text, q.params);
}

/** A no-transaction script starts (or resumes at statement `done + 1`). */
export async function recordRunning(
  session: DbSession,
  ref: JournalRef,
  entry: { id: string; checksum: string; done: number; total: number; direction: 'up' | 'down'; doneChecksum: string },
): Promise<void> {
  await session.query(
    `INSERT INTO ${journalName(ref)} (id, checksum, status, statements_done, statements_total, direction, error, done_checksum)
     VALUES ($1, $2, 'running', $3, $4, $5, NULL, $6)
     ON CONFLICT (id) DO UPDATE SET status = 'running', checksum = $2, statements_done = $3, statements_total = $4, direction = $5,
       error = NULL, done_checksum = $6`,
    [entry.id, entry.checksum, entry.done, entry.total, entry.direction, entry.doneChecksum],
  );
}

/** The statement that records one more statement done, for sending with the statement itself. */
export function recordProgressSql(ref: JournalRef, id: string, done: number, doneChecksum: string): string {
  return `UPDATE ${journalName(ref)} SET statements_done = ${done}, done_checksum = ${quoteLiteral(doneChecksum)} WHERE id = ${quoteLiteral(id)}`;
}

export async function recordProgress(
  session: DbSession,
  ref: JournalRef,
  id: string,
  done: number,
  doneChecksum: string,
): Promise<void> {
  await session.exec(recordProgressSql(ref, id, done, doneChecksum));
}

export async function recordFailed(session: DbSession, ref: JournalRef, id: string, error: string): Promise<void> {
  await session.query(`UPDATE ${journalName(ref)} SET status = 'failed', error = $2 WHERE id = $1`, [id, error]);
}

/** A no-transaction script finished: up makes the row applied, down removes it. */
export async function recordFinished(
  session: DbSession,
  ref: JournalRef,
  id: string,
  direction: 'up' | 'down',
  executionMs: number,
): Promise<void> {
  if (direction === 'down') return forget(session, ref, id);
  await session.query(
    `UPDATE ${journalName(ref)} SET status = 'applied', direction = 'up', applied_at = now(), execution_ms = $2, done_checksum = NULL WHERE id = $1`,
    [id, executionMs],
  );
}

/**
 * Makes the journal hold exactly `keep`, all applied, without running anything (stamp and
 * adopt). Rows that were applied keep their history; others become stamped.
 */
export async function stampJournal(
  session: DbSession,
  ref: JournalRef,
  keep: readonly { id: string; checksum: string }[],
  note: string | null = null,
): Promise<void> {
  const table = journalName(ref);
  // Ids travel as JSON: both drivers pass a string parameter the same way.
  await session.query(`DELETE FROM ${table} WHERE id NOT IN (SELECT jsonb_array_elements_text($1::text::jsonb))`, [
    JSON.stringify(keep.map((m) => m.id)),
  ]);
  for (const m of keep) {
    await session.query(
      `INSERT INTO ${table} (id, checksum, status, stamped, statements_done, statements_total, note) VALUES ($1, $2, 'applied', true, 0, 0, $3)
       ON CONFLICT (id) DO UPDATE SET status = 'applied', direction = 'up', error = NULL, checksum = EXCLUDED.checksum, done_checksum = NULL,
         stamped = ${table}.stamped OR ${table}.status <> 'applied', note = coalesce(EXCLUDED.note, ${table}.note)`,
      [m.id, m.checksum, note],
    );
  }
}

/** The SQL that records a migration as applied, for a script a DBA runs by hand (offline mode). */
export function recordAppliedSql(ref: JournalRef, id: string, checksum: string, statements: number): string {
  return `INSERT INTO ${journalName(ref)} (id, checksum, status, statements_done, statements_total) VALUES (${quoteLiteral(id)}, ${quoteLiteral(checksum)}, 'applied', ${statements}, ${statements});`;
}

/** The SQL that forgets a rolled-back migration, for a script a DBA runs by hand. */
export function forgetSql(ref: JournalRef, id: string): string {
  return `DELETE FROM ${journalName(ref)} WHERE id = ${quoteLiteral(id)};`;
}
