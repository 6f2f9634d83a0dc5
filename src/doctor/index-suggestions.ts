import { excerpt } from '../db/redact.js';
import { sqlStateOf, tidyUp, type DbSession } from '../db/session.js';
import { quoteIdent, quoteQualified } from '../sql/quote.js';
import { finding, propertyOf, type Finding } from './finding.js';
import type { IndexRow } from './index-health.js';
import type { StatementRow } from './statement-stats.js';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Schema?: string;
  Filter?: string;
  'Index Name'?: string;
  'Total Cost': number;
  Plans?: PlanNode[];
}

interface Suggestion {
  schema: string;
  table: string;
  column: string;
  rows: number;
  statements: { statement: StatementRow; before: number; after: number | null }[];
}

const PREPARED = 'smartem_doctor_suggestion';
/** Prepared anew beside a hypothetical index: a plan cached before it was made would not see it. */
const PREPARED_AGAIN = 'smartem_doctor_hypothetical';
/** Statements that only read or change rows: what a plan can be asked of without running anything. */
const PLANNABLE = /^\s*(select|with|update|delete)\b/i;

/**
 * Indexes that would serve the statements taking the most time: each statement's generic plan
 * (PREPARE, then EXPLAIN EXECUTE with plan_cache_mode = force_generic_plan; nothing runs) is read
 * for sequential scans of large tables filtered by a column compared with a parameter, where no
 * index starts with that column. Where HypoPG is installed, each suggestion is checked: the plan
 * again with a hypothetical index, kept only if the planner uses it and the cost falls.
 */
export async function indexSuggestions(
  session: DbSession,
  statements: readonly StatementRow[],
  indexes: readonly IndexRow[],
  rowsOf: (schema: string, table: string) => number,
  minimumRows: number,
): Promise<Finding[]> {
  const plannable = statements.filter((s) => PLANNABLE.test(s.query));
  if (plannable.length === 0) return [];
  const [hypopg] = await session.query<{ schema: string }>(
    `SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'hypopg'`,
  );
  const suggestions = new Map<string, Suggestion>();
  let unplanned = 0;
  await session.exec('SET plan_cache_mode = force_generic_plan');
  try {
    for (const statement of plannable) {
      const params = await prepare(session, PREPARED, statement.query);
      if (params === undefined) {
        unplanned++;
        continue;
      }
      try {
        const before = await planOf(session, PREPARED, params);
        for (const scan of seqScans(before)) {
          const rows = rowsOf(scan.schema, scan.table);
          if (rows < minimumRows) continue;
          const column = await filteredColumn(session, scan);
          if (!column || indexes.some((i) => leads(i, scan, column.attnum))) continue;
          const after = hypopg
            ? await hypotheticalCost(session, hypopg.schema, scan, column.name, statement.query)
            : null;
          if (after !== null && (after === undefined || after >= before['Total Cost'])) continue;
          const key = `${scan.schema}.${scan.table}.${column.name}`;
          const entry = suggestions.get(key) ?? { ...scan, column: column.name, rows, statements: [] };
          entry.statements.push({ statement, before: before['Total Cost'], after });
          suggestions.set(key, entry);
        }
      } catch (error) {
        // A table another session holds (the doctor's lock_timeout), or a plan PostgreSQL refuses:
        // that statement is left out, and the finding says how many were.
        if (sqlStateOf(error) === undefined) throw error;
        unplanned++;
      } finally {
        await tidyUp(session, `DEALLOCATE ${PREPARED}`);
      }
    }
  } finally {
    await tidyUp(session, 'RESET plan_cache_mode');
  }
  return suggestionFindings([...suggestions.values()], Boolean(hypopg), unplanned);
}

/**
 * Prepares the statement and returns how many parameters it takes, or undefined when it cannot be
 * prepared here (another search_path, a temporary table, a dropped object).
 */
async function prepare(session: DbSession, name: string, query: string): Promise<number | undefined> {
  try {
    await session.exec(`PREPARE ${name} AS ${query}`);
  } catch (error) {
    if (sqlStateOf(error) === undefined) throw error;
    return undefined;
  }
  const [prepared] = await session.query<{ params: number }>(
    'SELECT cardinality(parameter_types)::int AS params FROM pg_prepared_statements WHERE name = $1',
    [name],
  );
  return prepared?.params ?? 0;
}

/** The prepared statement's generic plan (its parameters unknown; VERBOSE names each scan's schema): EXPLAIN without ANALYZE runs nothing. */
async function planOf(session: DbSession, name: string, params: number): Promise<PlanNode> {
  const nulls = Array.from({ length: params }, () => 'NULL').join(', ');
  const [row] = await session.query<{ 'QUERY PLAN': unknown }>(
    `EXPLAIN (FORMAT JSON, VERBOSE) EXECUTE ${name}${nulls ? `(${nulls})` : ''}`,
  );
  const plan = row!['QUERY PLAN'];
  return ((typeof plan === 'string' ? JSON.parse(plan) : plan) as { Plan: PlanNode }[])[0]!.Plan;
}

function seqScans(node: PlanNode): { schema: string; table: string; filter: string }[] {
  const here =
    node['Node Type'] === 'Seq Scan' && node.Filter && node['Relation Name'] && node.Schema
      ? [{ schema: node.Schema, table: node['Relation Name'], filter: node.Filter }]
      : [];
  return [...here, ...(node.Plans ?? []).flatMap(seqScans)];
}

/** The table's column that the filter compares with a parameter, by equality first; the most distinct of several. */
async function filteredColumn(
  session: DbSession,
  scan: { schema: string; table: string; filter: string },
): Promise<{ name: string; attnum: number } | undefined> {
  const columns = await session.query<{ name: string; attnum: number; distinct: number | null }>(
    `SELECT a.attname AS name, a.attnum::int AS attnum, s.n_distinct::float8 AS distinct
       FROM pg_attribute a
       LEFT JOIN pg_stats s ON s.schemaname = $1 AND s.tablename = $2 AND s.attname = a.attname
      WHERE a.attrelid = format('%I.%I', $1::text, $2::text)::regclass AND a.attnum > 0 AND NOT a.attisdropped`,
    [scan.schema, scan.table],
  );
  const literal = (name: string) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const compared = (op: string) =>
    columns.filter((c) =>
      // VERBOSE qualifies columns (reading.grid); the lookbehind keeps "id" from matching "grid".
      new RegExp(`(?<![\\w"])"?${literal(c.name)}"?\\)?(?:::[\\w\\s"]+)?\\s*(?:${op})\\s*\\(?\\$\\d`).test(scan.filter),
    );
  const candidates = compared('=').length ? compared('=') : compared('<=|>=|<|>');
  // n_distinct: a count when positive, a share of the rows when negative (unique: -1).
  const selectivity = (d: number | null) => (d === null ? 0 : d < 0 ? 1e12 * -d : d);
  return candidates.sort((a, b) => selectivity(b.distinct) - selectivity(a.distinct))[0];
}

function leads(index: IndexRow, scan: { schema: string; table: string }, attnum: number): boolean {
  return index.schema === scan.schema && index.table === scan.table && index.keys.split(' ')[0] === String(attnum);
}

/**
 * The plan's cost with a hypothetical index on the column, or undefined when the planner would not
 * use it. HypoPG's indexes live in this session only and are reset before returning.
 */
async function hypotheticalCost(
  session: DbSession,
  hypopgSchema: string,
  scan: { schema: string; table: string },
  column: string,
  query: string,
): Promise<number | undefined> {
  const fn = (name: string) => `${quoteIdent(hypopgSchema)}.${name}`;
  try {
    await session.query(`SELECT indexrelid FROM ${fn('hypopg_create_index')}($1)`, [
      `CREATE INDEX ON ${quoteQualified(scan.schema, scan.table)} (${quoteIdent(column)})`,
    ]);
    const params = await prepare(session, PREPARED_AGAIN, query);
    if (params === undefined) return undefined;
    try {
      const root = await planOf(session, PREPARED_AGAIN, params);
      const uses = (node: PlanNode): boolean =>
        Boolean(node['Index Name']?.startsWith('<')) || (node.Plans ?? []).some(uses);
      return uses(root) ? root['Total Cost'] : undefined;
    } finally {
      await tidyUp(session, `DEALLOCATE ${PREPARED_AGAIN}`);
    }
  } finally {
    await tidyUp(session, `SELECT ${fn('hypopg_reset')}()`);
  }
}

function suggestionFindings(suggestions: Suggestion[], checked: boolean, unplanned: number): Finding[] {
  if (suggestions.length === 0) return [];
  const name = (s: Suggestion) => `ix_${s.table}_${s.column}`.slice(0, 63);
  const cost = (n: number) => Math.round(n).toLocaleString('en');
  return [
    finding(
      'warn',
      'statements',
      `${suggestions.length} index${suggestions.length === 1 ? '' : 'es'} would serve the statements that take the most time, which now scan large tables from end to end` +
        (checked
          ? ' (checked with HypoPG: the planner uses each and the cost falls).'
          : '; install HypoPG (CREATE EXTENSION hypopg) to have each checked against the planner first.') +
        (unplanned ? ` ${unplanned} statement(s) could not be planned here and were not considered.` : ''),
      suggestions
        .map(
          (s) =>
            `CREATE INDEX CONCURRENTLY ${quoteIdent(name(s))} ON ${quoteQualified(s.schema, s.table)} (${quoteIdent(s.column)});`,
        )
        .join(' '),
      {
        objects: suggestions.map((s) => {
          const [first] = s.statements;
          const hypothetical = first!.after === null ? '' : `; cost ${cost(first!.before)} -> ${cost(first!.after)}`;
          return `${s.schema}.${s.table} (${s.column}): ${s.rows.toLocaleString('en')} rows scanned by ${excerpt(first!.statement.query, 80)} (${Math.round(first!.statement.total)} ms in ${first!.statement.calls} calls${hypothetical})${s.statements.length > 1 ? ` and ${s.statements.length - 1} more statement(s)` : ''}`;
        }),
        model: `In each table's pgTable(..., (t) => [...]): ${suggestions
          .map((s) => `${s.table}: index('${name(s)}').on(t.${propertyOf(s.column)})`)
          .join('; ')}; then npm run db:generate (it builds them CONCURRENTLY).`,
      },
    ),
  ];
}
