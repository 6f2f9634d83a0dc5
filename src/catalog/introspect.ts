import type { DbSession } from '../db/session.js';
import type { Column, Constraint, Identity, Index, Catalog, Table, View } from './catalog.js';
import {
  COLUMNS_SQL,
  CONSTRAINTS_SQL,
  ENUMS_SQL,
  INDEXES_SQL,
  SCHEMAS_SQL,
  SEQUENCES_SQL,
  VIEWS_SQL,
} from './catalog-queries.js';
import { objectsSql, PRESENT_KINDS_SQL } from '../objects/object-kinds.js';
import { UNSUPPORTED_SQL } from '../objects/unsupported.js';
import { keyOf, qualifiedName } from './qualified-name.js';
import { canonicalExpression } from './canonical-expression.js';

export interface IntrospectOptions {
  /** Schemas to leave out, e.g. the migration journal's (`smartem_db`). */
  excludeSchemas?: string[];
}

type Row = Record<string, unknown>;
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const list = (v: unknown): string[] => JSON.parse(String(v)) as string[];

const CONSTRAINT_KINDS: Record<string, Constraint['kind']> = {
  p: 'primary',
  u: 'unique',
  c: 'check',
  x: 'exclude',
  f: 'foreign',
};

/**
 * Reads a live database into a Catalog with nine catalog queries (ten when it has objects of the kinds in src/objects), however many tables it has
 * (sent together: postgres.js pipelines them on its one connection).
 *
 * @example const model = await introspect(session, { excludeSchemas: ['smartem_db'] });
 */
export async function introspect(session: DbSession, options: IntrospectOptions = {}): Promise<Catalog> {
  // The catalog queries read few rows but are costed high (subqueries per object): JIT compiling
  // them cost 1.7 s a query on PostgreSQL 15 with its default jit_above_cost, for nothing.
  await session.exec('SET jit = off');
  try {
    return await readCatalog(session, options);
  } finally {
    // In a transaction a failed query aborted, RESET fails too: the first error is the one to see.
    await session.exec('RESET jit').catch(() => undefined);
  }
}

async function readCatalog(session: DbSession, options: IntrospectOptions): Promise<Catalog> {
  // A text[] literal travels as a plain string parameter in both drivers.
  const exclude = `{${(options.excludeSchemas ?? []).map((s) => `"${s.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
  const run = (sql: string) => session.query<Row>(sql, [exclude]);
  const [schemas, enums, sequences, columns, constraints, indexes, views, present, unsupported] = await Promise.all([
    run(SCHEMAS_SQL),
    run(ENUMS_SQL),
    run(SEQUENCES_SQL),
    run(COLUMNS_SQL),
    run(CONSTRAINTS_SQL),
    run(INDEXES_SQL),
    run(VIEWS_SQL),
    run(PRESENT_KINDS_SQL),
    run(UNSUPPORTED_SQL),
  ]);
  // Objects of the kinds the database has (a second round trip only when it has any).
  const kinds = list(present[0]?.kinds ?? '[]');
  const objects = kinds.length ? await run(objectsSql(kinds)) : [];

  const tables = new Map<string, Table>();
  for (const r of columns) {
    const key = qualifiedName(String(r.schema), String(r.table));
    let table = tables.get(key);
    if (!table) {
      table = {
        schema: String(r.schema),
        name: String(r.table),
        columns: [],
        constraints: [],
        foreignKeys: [],
        indexes: [],
        partitionBy: str(r.partition_by),
        ...(r.inherits === null ? {} : { inherits: list(r.inherits) }),
        comment: str(r.table_comment),
      };
      tables.set(key, table);
    }
    // A table with no columns still has its row (the column's fields are null).
    if (r.name !== null) table.columns.push(toColumn(r));
  }
  for (const r of constraints) {
    const table = tables.get(qualifiedName(String(r.schema), String(r.table)));
    if (!table) continue;
    const constraint: Constraint = {
      name: String(r.name),
      kind: CONSTRAINT_KINDS[String(r.kind)]!,
      definition: canonicalExpression(withIndexOptions(String(r.definition), str(r.index_options))),
      references: r.ref_table
        ? { schema: String(r.ref_schema), table: String(r.ref_table), columns: list(r.ref_columns) }
        : null,
      columns: list(r.columns),
      comment: str(r.comment),
    };
    (constraint.kind === 'foreign' ? table.foreignKeys : table.constraints).push(constraint);
  }

  const viewList: View[] = views.map((r) => ({
    schema: String(r.schema),
    name: String(r.name),
    materialized: Boolean(r.materialized),
    definition: String(r.definition),
    indexes: [],
    dependsOn: list(r.depends_on),
    comment: str(r.comment),
    columnComments: JSON.parse(String(r.column_comments)) as View['columnComments'],
  }));
  const viewByKey = new Map(viewList.map((v) => [keyOf(v), v]));
  for (const r of indexes) {
    const index: Index = {
      name: String(r.name),
      definition: canonicalExpression(String(r.definition)),
      unique: Boolean(r.unique),
      columns: list(r.columns),
      comment: str(r.comment),
    };
    const key = qualifiedName(String(r.schema), String(r.table));
    (tables.get(key)?.indexes ?? viewByKey.get(key)?.indexes)?.push(index);
  }

  return {
    schemas: schemas.map((r) => String(r.name)),
    enums: enums.map((r) => ({
      schema: String(r.schema),
      name: String(r.name),
      values: list(r.values),
      comment: str(r.comment),
    })),
    sequences: sequences.map((r) => ({
      schema: String(r.schema),
      name: String(r.name),
      type: String(r.type),
      start: String(r.start),
      increment: String(r.increment),
      min: String(r.min),
      max: String(r.max),
      cache: String(r.cache),
      cycle: Boolean(r.cycle),
      ownedBy: r.owned_table ? { table: String(r.owned_table), column: String(r.owned_column) } : null,
      comment: str(r.comment),
    })),
    tables: [...tables.values()],
    views: viewList,
    objects: objects.map((r) => ({
      kind: String(r.kind),
      name: String(r.name),
      on: str(r.on_relation),
      create: list(r.create_sql),
      drop: String(r.drop_sql),
      shape: str(r.shape),
      ...(r.uses === null || r.uses === undefined ? {} : { uses: list(r.uses) }),
      ...(r.parts === null || r.parts === undefined
        ? {}
        : { parts: JSON.parse(String(r.parts)) as { name: string; sql: string }[] }),
    })),
    unsupported: unsupported.map((r) => ({ name: String(r.name), definition: String(r.definition) })),
  };
}

function toColumn(r: Row): Column {
  const identity = String(r.identity ?? '');
  return {
    name: String(r.name),
    type: String(r.type),
    typeRef: { schema: String(r.type_schema), name: String(r.type_name) },
    notNull: Boolean(r.not_null),
    default: str(r.default),
    identity:
      (identity === 'a' || identity === 'd') && r.identity_options
        ? { always: identity === 'a', ...(JSON.parse(String(r.identity_options)) as Omit<Identity, 'always'>) }
        : null,
    generated: str(r.generated),
    collation: str(r.collation),
    comment: str(r.comment),
    ...(r.inherited === true ? { inherited: true as const } : {}),
  };
}

/**
 * pg_get_constraintdef() leaves out the storage parameters of a primary key's or unique
 * constraint's index (PostgreSQL 15); without them a fillfactor change would go unseen.
 */
function withIndexOptions(definition: string, options: string | null): string {
  if (!options || / WITH \(/.test(definition)) return definition;
  return `${definition} WITH (${options})`;
}
