import type { DbSession } from '../db/session.js';
import { quoteQualified } from '../sql/quote.js';
import { finding, type Finding } from './finding.js';

/**
 * Sequences close to the end of what they feed: the smaller of the sequence's maximum and the
 * column type's (an integer id fed by a bigint sequence, as SmartEM's agent tables are, runs out at
 * 2^31 - 1). One finding per level: an error from 90% used, a warning from 50%, and information on
 * sequences whose column is narrower than they are.
 */
export async function sequenceFindings(session: DbSession, exclude: readonly string[]): Promise<Finding[]> {
  // The column a sequence feeds: the one that owns it (serial, identity), else one whose default calls it.
  const feeds = (what: string) => `(SELECT ${what} FROM (
          SELECT d.refobjid AS rel, d.refobjsubid AS att FROM pg_depend d
           WHERE d.classid = 'pg_class'::regclass AND d.objid = q.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
          UNION ALL
          SELECT ad.adrelid, ad.adnum FROM pg_depend d JOIN pg_attrdef ad ON ad.oid = d.objid
           WHERE d.classid = 'pg_attrdef'::regclass AND d.refclassid = 'pg_class'::regclass AND d.refobjid = q.oid
        ) f JOIN pg_class t ON t.oid = f.rel JOIN pg_attribute a ON a.attrelid = f.rel AND a.attnum = f.att LIMIT 1)`;
  const rows = await session.query<{
    schema: string;
    name: string;
    last: string | null;
    seqmax: string;
    column: string | null;
    type: string | null;
  }>(
    `SELECT s.schemaname AS schema, s.sequencename AS name, s.last_value::text AS last, s.max_value::text AS seqmax,
            ${feeds("format('%s.%s', t.relname, a.attname)")} AS column,
            ${feeds('format_type(a.atttypid, NULL)')} AS type
       FROM pg_sequences s
       JOIN pg_namespace n ON n.nspname = s.schemaname
       JOIN pg_class q ON q.relname = s.sequencename AND q.relnamespace = n.oid
      WHERE NOT (s.schemaname = ANY (SELECT jsonb_array_elements_text($1::text::jsonb)))
      ORDER BY 1, 2`,
    [JSON.stringify(exclude)],
  );
  const measured = rows.map((row) => {
    const typeMax = row.type ? TYPE_MAX[row.type] : undefined;
    const capped = typeMax !== undefined && typeMax < BigInt(row.seqmax);
    const limit = capped ? typeMax : BigInt(row.seqmax);
    const last = row.last === null ? 0n : BigInt(row.last);
    const percent = Number((last * 10000n) / limit) / 100;
    const object =
      `${row.schema}.${row.name}${row.column ? ` (feeding ${row.schema}.${row.column}, ${row.type})` : ''}: ` +
      `${percent.toFixed(percent < 1 ? 2 : 1)}% of its ${capped ? `column's ${row.type} range` : 'range'} (${last} of ${limit})`;
    return { row, capped, percent, object };
  });
  const findings: Finding[] = [];
  const at = (min: number, max: number) => measured.filter((m) => m.percent >= min && m.percent < max);
  for (const [list, severity, text] of [
    [at(90, Infinity), 'error', 'used 90% or more of their range: they run out soon'],
    [at(50, 90), 'warn', 'used half or more of their range'],
  ] as const) {
    if (list.length === 0) continue;
    findings.push(
      finding(
        severity,
        'sequences',
        `${list.length} sequence${list.length === 1 ? ' has' : 's have'} ${text}.`,
        list.map((m) => widen(m.row, m.capped)).join(' '),
        { objects: list.map((m) => m.object), model: MODEL_EDIT },
      ),
    );
  }
  const capped = measured.filter((m) => m.capped && m.percent < 50);
  if (capped.length)
    findings.push(
      finding(
        'info',
        'sequences',
        `${capped.length} sequence${capped.length === 1 ? ' feeds a column' : 's feed columns'} narrower than ${capped.length === 1 ? 'itself' : 'themselves'}: the column's type, not the sequence, sets the limit (none near it yet).`,
        undefined,
        { objects: capped.map((m) => m.object) },
      ),
    );
  return findings;
}

const MODEL_EDIT =
  "Make the column bigint in the model (bigint('id', { mode: 'number' }), or bigserial), then npm run db:generate.";

const TYPE_MAX: Record<string, bigint> = { smallint: 32767n, integer: 2147483647n, bigint: 9223372036854775807n };

function widen(row: { schema: string; name: string; column: string | null }, capped: boolean): string {
  if (capped && row.column) {
    const [table, column] = row.column.split('.');
    return `Widen the column (an online type change to bigint: ALTER TABLE ${quoteQualified(row.schema, table!)} ALTER COLUMN "${column}" TYPE bigint rewrites the table) before it runs out.`;
  }
  return `Raise the sequence's maximum or change its type: ALTER SEQUENCE ${quoteQualified(row.schema, row.name)} AS bigint;`;
}
