import type { DbSession } from '../db/session.js';
import { quoteIdent, quoteQualified } from '../sql/quote.js';
import { finding, propertyOf, type Finding } from './finding.js';
import type { IndexRow } from './index-health.js';

interface ForeignKeyRow {
  schema: string;
  table: string;
  name: string;
  /** Referencing column numbers, space-separated. */
  keys: string;
  columns: string[];
  parentSchema: string;
  parent: string;
}

/** Every foreign key outside the system schemas and `exclude`, with its columns and the table it references. */
export async function readForeignKeys(session: DbSession, exclude: readonly string[]): Promise<ForeignKeyRow[]> {
  const rows = await session.query<Omit<ForeignKeyRow, 'columns'> & { columns: string }>(
    `SELECT n.nspname AS schema, t.relname AS "table", k.conname AS name, array_to_string(k.conkey, ' ') AS keys,
            (SELECT string_agg(a.attname, ' ' ORDER BY u.ord) FROM unnest(k.conkey) WITH ORDINALITY u(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum) AS columns,
            pn.nspname AS "parentSchema", p.relname AS parent
       FROM pg_constraint k
       JOIN pg_class t ON t.oid = k.conrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       JOIN pg_class p ON p.oid = k.confrelid
       JOIN pg_namespace pn ON pn.oid = p.relnamespace
      WHERE k.contype = 'f' AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
        AND NOT (n.nspname = ANY (SELECT jsonb_array_elements_text($1::text::jsonb)))
      ORDER BY 1, 2, 3`,
    [JSON.stringify(exclude)],
  );
  return rows.map((r) => ({ ...r, columns: r.columns.split(' ') }));
}

/** Whether an index's leading keys are exactly a foreign key's columns, in any order. */
export function coversForeignKey(index: IndexRow, fk: ForeignKeyRow): boolean {
  if (index.schema !== fk.schema || index.table !== fk.table || index.predicate) return false;
  const columns = fk.keys.split(' ');
  const leading = index.keys.split(' ').slice(0, columns.length);
  return leading.length === columns.length && columns.every((c) => leading.includes(c));
}

export interface ForeignKeyThresholds {
  /** A referencing table with fewer rows is scanned quickly: its missing index is information. */
  smallTableRows: number;
  /** A referenced table with fewer rows is a lookup table whose rows are rarely deleted. */
  lookupTableRows: number;
}

/**
 * Foreign keys with no index behind their columns: a join from the parent and every delete or key
 * update of a parent row scan the referencing table. A warning where that table is large and the
 * parent is not a lookup table; information otherwise. Each with the CREATE INDEX CONCURRENTLY
 * and the model edit that makes `db:generate` write it.
 */
export function foreignKeyFindings(
  foreignKeys: readonly ForeignKeyRow[],
  indexes: readonly IndexRow[],
  rowsOf: (schema: string, table: string) => number,
  thresholds: ForeignKeyThresholds,
): Finding[] {
  const bare = foreignKeys.filter((fk) => !indexes.some((i) => coversForeignKey(i, fk)));
  const costly = bare.filter(
    (fk) =>
      rowsOf(fk.schema, fk.table) >= thresholds.smallTableRows &&
      rowsOf(fk.parentSchema, fk.parent) >= thresholds.lookupTableRows,
  );
  const cheap = bare.filter((fk) => !costly.includes(fk));
  const describe = (fk: ForeignKeyRow) =>
    `${fk.schema}.${fk.table} (${fk.columns.join(', ')}) -> ${fk.parentSchema}.${fk.parent}: ${rowsOf(fk.schema, fk.table).toLocaleString('en')} rows scanned per parent row deleted`;
  const indexName = (fk: ForeignKeyRow) => `ix_${fk.table}_${fk.columns.join('_')}`.slice(0, 63);
  const create = (fks: readonly ForeignKeyRow[]) =>
    fks
      .map(
        (fk) =>
          `CREATE INDEX CONCURRENTLY ${quoteIdent(indexName(fk))} ON ${quoteQualified(fk.schema, fk.table)} (${fk.columns.map(quoteIdent).join(', ')});`,
      )
      .join(' ');
  const model = (fks: readonly ForeignKeyRow[]) =>
    `In each table's pgTable(..., (t) => [...]): ${fks
      .map(
        (fk) => `${fk.table}: index('${indexName(fk)}').on(${fk.columns.map((c) => `t.${propertyOf(c)}`).join(', ')})`,
      )
      .join('; ')}; then npm run db:generate (it builds them CONCURRENTLY).`;
  const findings: Finding[] = [];
  if (costly.length)
    findings.push(
      finding(
        'warn',
        'foreign-keys',
        `${costly.length} foreign key${costly.length === 1 ? ' has' : 's have'} no index behind ${costly.length === 1 ? 'it' : 'them'} on a large table: a join from the parent, and each delete of a parent row, scans the whole table.`,
        create(costly),
        { objects: costly.map(describe), model: model(costly) },
      ),
    );
  if (cheap.length)
    findings.push(
      finding(
        'info',
        'foreign-keys',
        `${cheap.length} foreign key${cheap.length === 1 ? ' has' : 's have'} no index, where the table is small (under ${thresholds.smallTableRows.toLocaleString('en')} rows) or the parent a lookup table (under ${thresholds.lookupTableRows.toLocaleString('en')} rows, rarely deleted); add one if that changes.`,
        undefined,
        { objects: cheap.map(describe), model: model(cheap) },
      ),
    );
  return findings;
}
