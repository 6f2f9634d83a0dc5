// What the runner must know about a statement before it runs it, read from its first words
// (statements come from splitStatements, so they start with code, not comments).

/** Leading words, upper-cased, with comments between them skipped. */
function leadingWords(sql: string, count: number): string[] {
  const words: string[] = [];
  const re = /\/\*[\s\S]*?\*\/|--[^\n]*|"(?:[^"]|"")*"|[A-Za-z_][\w$]*|\S/g;
  let m: RegExpExecArray | null;
  while (words.length < count && (m = re.exec(sql))) {
    const token = m[0];
    if (token.startsWith('/*') || token.startsWith('--')) continue;
    words.push(token.toUpperCase());
  }
  return words;
}

/**
 * The transaction control a statement performs (`BEGIN`, `COMMIT`, ...), or undefined.
 * SAVEPOINT, RELEASE and ROLLBACK TO stay inside a transaction, so they are not reported.
 *
 * @example transactionControl('commit;') // 'COMMIT'
 */
export function transactionControl(sql: string): string | undefined {
  const [first, second] = leadingWords(sql, 2);
  switch (first) {
    case 'BEGIN':
    case 'COMMIT':
    case 'END':
    case 'ABORT':
      return second === 'PREPARED' ? `${first} PREPARED` : first;
    case 'START':
      return second === 'TRANSACTION' ? 'START TRANSACTION' : undefined;
    case 'ROLLBACK':
      return second === 'TO' ? undefined : second === 'PREPARED' ? 'ROLLBACK PREPARED' : 'ROLLBACK';
    case 'PREPARE':
      return second === 'TRANSACTION' ? 'PREPARE TRANSACTION' : undefined;
    default:
      return undefined;
  }
}

/** Whether a transaction-control statement opens a transaction block (BEGIN, START TRANSACTION). */
export function opensTransaction(control: string): boolean {
  return control === 'BEGIN' || control === 'START TRANSACTION';
}

const RUNS_ALONE = [
  /^CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\b/i,
  /^DROP\s+INDEX\s+CONCURRENTLY\b/i,
  /^REINDEX\b[\s\S]*\bCONCURRENTLY\b/i,
  /^ALTER\s+TABLE\b[\s\S]*\bDETACH\s+PARTITION\b[\s\S]*\b(?:CONCURRENTLY|FINALIZE)\b/i,
  /^(?:VACUUM|CLUSTER|CHECKPOINT)\b/i,
  /^(?:CREATE|DROP)\s+(?:DATABASE|TABLESPACE)\b/i,
  /^(?:CREATE|ALTER|DROP)\s+SUBSCRIPTION\b/i,
  /^ALTER\s+SYSTEM\b/i,
  // Procedures and DO blocks may COMMIT (batched backfills), which a surrounding block forbids.
  /^(?:CALL|DO)\b/i,
];

/**
 * Whether a statement of a no-transaction migration must run on its own rather than in a short
 * transaction with its journal entry: PostgreSQL refuses it inside a transaction block, or it may
 * commit by itself.
 *
 * @example runsAlone('create index concurrently ix on t (c)') // true
 */
export function runsAlone(sql: string): boolean {
  return RUNS_ALONE.some((re) => re.test(sql)) || transactionControl(sql) !== undefined;
}

/** A CREATE INDEX CONCURRENTLY's index name (as stored: unquoted names folded) and table text. */
interface ConcurrentIndexBuild {
  index: string;
  /** The table as written (quoted and qualified as in the statement), for to_regclass(). */
  table: string;
}

const IDENT = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*)`;
const CREATE_CONCURRENTLY = new RegExp(
  String.raw`^CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+(?:IF\s+NOT\s+EXISTS\s+)?(${IDENT})\s+ON\s+(?:ONLY\s+)?(${IDENT}(?:\s*\.\s*${IDENT})?)`,
  'i',
);
const DROP_CONCURRENTLY = new RegExp(
  String.raw`^DROP\s+INDEX\s+CONCURRENTLY\s+(?:IF\s+EXISTS\s+)?(${IDENT}(?:\s*\.\s*${IDENT})?)\s*(?:CASCADE|RESTRICT)?\s*;?\s*$`,
  'i',
);

/** The index a `CREATE INDEX CONCURRENTLY <name> ON <table>` builds, or undefined (unnamed, or another statement). */
export function concurrentIndexBuild(sql: string): ConcurrentIndexBuild | undefined {
  const m = CREATE_CONCURRENTLY.exec(sql);
  return m ? { index: identifierValue(m[1]!), table: m[2]! } : undefined;
}

/** The index a `DROP INDEX CONCURRENTLY <name>` drops, as written (for to_regclass), or undefined. */
export function concurrentIndexDrop(sql: string): string | undefined {
  return DROP_CONCURRENTLY.exec(sql)?.[1];
}

/** An identifier's value: quoted ones unescaped, unquoted ones folded to lower case as PostgreSQL does. */
function identifierValue(text: string): string {
  return text.startsWith('"') ? text.slice(1, -1).replace(/""/g, '"') : text.toLowerCase();
}

const DROP_TABLE = new RegExp(
  String.raw`^DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?((?:${IDENT}(?:\s*\.\s*${IDENT})?)(?:\s*,\s*${IDENT}(?:\s*\.\s*${IDENT})?)*)`,
  'i',
);

/** The tables a `DROP TABLE a, b.c` drops, as written (for to_regclass), or none for another statement. */
export function droppedTables(sql: string): string[] {
  const list = DROP_TABLE.exec(sql)?.[1];
  if (!list) return [];
  return [...list.matchAll(new RegExp(String.raw`${IDENT}(?:\s*\.\s*${IDENT})?`, 'g'))].map((m) => m[0]);
}

const ALTER_TABLE = new RegExp(
  String.raw`^ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(${IDENT}(?:\s*\.\s*${IDENT})?)\s+([\s\S]*)$`,
  'i',
);
const DROP_COLUMN = new RegExp(String.raw`(?:^|,)\s*DROP\s+(?:COLUMN\s+)?(?:IF\s+EXISTS\s+)?(${IDENT})`, 'gi');

/**
 * The columns an `ALTER TABLE t DROP [COLUMN] [IF EXISTS] c[, DROP ...]` drops: the table as
 * written (for to_regclass) and each column's name, or none for another statement. `DROP
 * CONSTRAINT` is not a column.
 */
export function droppedColumns(sql: string): { table: string; column: string }[] {
  const m = ALTER_TABLE.exec(sql.trim());
  if (!m) return [];
  const table = m[1]!;
  return [...m[2]!.matchAll(DROP_COLUMN)]
    .map((d) => d[1]!)
    .filter((c) => !/^(constraint|default|not|identity|expression)$/i.test(c))
    .map((c) => ({ table, column: identifierValue(c) }));
}

/** The words that name a statement's kind when one is not enough ("ALTER TABLE", "CREATE INDEX"). */
const TWO_WORD_KINDS = /^(ALTER|CREATE|DROP|REFRESH|LOCK|DELETE|INSERT)\b/;

/**
 * What kind of statement `sql` is (`UPDATE`, `ALTER TABLE`, `CREATE UNIQUE INDEX`), without any of
 * its text: what another session runs may hold values and secrets that are not ours to print.
 */
export function statementKind(sql: string): string {
  const words = sql
    .replace(/^(\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)+/, '')
    .split(/\s+/, 3)
    .map((w) => w.replace(/[^A-Za-z]/g, '').toUpperCase())
    .filter(Boolean);
  if (words.length === 0) return 'a statement';
  if (!TWO_WORD_KINDS.test(words[0]!)) return words[0]!;
  return words[1] === 'UNIQUE' || words[1] === 'OR' ? words.slice(0, 3).join(' ') : words.slice(0, 2).join(' ');
}
