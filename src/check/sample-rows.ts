import type { DbSession } from '../db/session.js';
import type { Column, Catalog, Table } from '../catalog/catalog.js';
import { quoteIdent, quoteQualified } from '../sql/quote.js';
import { keyOf, qualifiedName } from '../catalog/qualified-name.js';

/**
 * Inserts `count` rows into every table of `model` (parents before children), with values made
 * from each column's type, its enum's labels, and its foreign key (a row that exists in the
 * parent). Columns with a default get it. `round` keeps values unique across calls. Returns the
 * tables it could not fill, with PostgreSQL's reason (a check constraint the values miss, say).
 *
 * @example await insertSampleRows(session, await introspect(session), 0);
 */
export async function insertSampleRows(
  session: DbSession,
  model: Catalog,
  round: number,
  count = 3,
): Promise<string[]> {
  const skipped: string[] = [];
  const from = round * count + 1;
  for (const table of parentsFirst(model.tables)) {
    const columns = table.columns.filter(
      (c) => c.generated === null && !(c.identity?.always ?? false) && (c.default === null || foreignKeyOf(table, c)),
    );
    const values = columns.map((c) => valueOf(model, table, c));
    if (values.some((v) => v === null)) {
      skipped.push(`${keyOf(table)}: no sample value for a NOT NULL column of an unsupported type`);
      continue;
    }
    const target = quoteQualified(table.schema, table.name);
    const sql = columns.length
      ? `INSERT INTO ${target} (${columns.map((c) => quoteIdent(c.name)).join(', ')}) SELECT ${values.join(', ')} FROM generate_series(${from}, ${from + count - 1}) AS g`
      : `INSERT INTO ${target} SELECT FROM generate_series(${from}, ${from + count - 1}) AS g`;
    try {
      await session.exec(sql);
    } catch (error) {
      skipped.push(`${keyOf(table)}: ${(error as Error).message}`);
    }
  }
  return skipped;
}

/** A fingerprint of each table's rows, to see whether a table's data came back unchanged. */
export async function tableContents(session: DbSession, tables: readonly Table[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const t of tables) {
    const [row] = await session.query<{ digest: string }>(
      `SELECT md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) || ':' || count(*) AS digest FROM ${quoteQualified(t.schema, t.name)} r`,
    );
    out.set(keyOf(t), row!.digest);
  }
  return out;
}

function foreignKeyOf(table: Table, column: Column) {
  return table.foreignKeys.find((k) => k.columns.length === 1 && k.columns[0] === column.name && k.references);
}

function valueOf(model: Catalog, table: Table, column: Column): string | null {
  const fk = foreignKeyOf(table, column);
  if (fk?.references) {
    const parent = quoteQualified(fk.references.schema, fk.references.table);
    const key = quoteIdent(fk.references.columns[0]!);
    // A parent row chosen by g; none yet (an empty parent, a first self-reference) gives NULL.
    return `(SELECT p.${key} FROM ${parent} p ORDER BY p.${key}::text LIMIT 1 OFFSET ((g - 1) % greatest((SELECT count(*) FROM ${parent}), 1)))`;
  }
  const type = column.type;
  const enumType = model.enums.find((e) => e.schema === column.typeRef.schema && e.name === column.typeRef.name);
  if (type.endsWith('[]')) return `'{}'::${type}`;
  if (enumType)
    return `(enum_range(NULL::${quoteQualified(enumType.schema, enumType.name)}))[1 + (g % ${enumType.values.length})]`;
  const base = type.replace(/\(.*\)$/, '');
  const expression = SAMPLES[base];
  if (expression) return `(${expression})::${type}`;
  return column.notNull ? null : 'NULL';
}

const SAMPLES: Record<string, string> = {
  smallint: 'g % 30000',
  integer: 'g',
  bigint: 'g',
  numeric: 'g % 10 + 0.5',
  real: 'g * 1.5',
  'double precision': 'g * 1.5',
  boolean: 'g % 2 = 0',
  text: "'sample ' || g",
  'character varying': "'v' || g",
  character: "'c' || g",
  uuid: "md5('smartem' || g)::uuid",
  jsonb: "json_build_object('n', g)",
  json: "json_build_object('n', g)",
  date: "date '2026-01-01' + g",
  'timestamp without time zone': "timestamp '2026-01-01' + g * interval '1 hour'",
  'timestamp with time zone': "timestamptz '2026-01-01 00:00+00' + g * interval '1 hour'",
  'time without time zone': "time '00:00' + g * interval '1 minute'",
  interval: "g * interval '1 minute'",
  bytea: "decode(md5(g::text), 'hex')",
  inet: "('10.0.0.' || (g % 250))::inet",
};

/** Tables ordered so that a table comes after the tables its foreign keys point at (cycles: as found). */
function parentsFirst(tables: readonly Table[]): Table[] {
  const byKey = new Map(tables.map((t) => [keyOf(t), t]));
  const done = new Set<string>();
  const out: Table[] = [];
  const visit = (t: Table, path: Set<string>) => {
    const key = keyOf(t);
    if (done.has(key) || path.has(key)) return;
    path.add(key);
    for (const fk of t.foreignKeys) {
      const parent = fk.references && byKey.get(qualifiedName(fk.references.schema, fk.references.table));
      if (parent) visit(parent, path);
    }
    done.add(key);
    out.push(t);
  };
  for (const t of tables) visit(t, new Set());
  return out;
}
