import type { Column, Catalog, DefinedObject, Table } from '../catalog/catalog.js';
import { compareKeyed } from './keyed.js';
import { keyOf, qualifiedName } from '../catalog/qualified-name.js';
import { Phase } from '../objects/phases.js';
import { placed, type PlacedOp } from './phases.js';
import { SmartemDbError } from '../errors.js';
import { sameTypeFamily } from '../hazards/type-change.js';
import { Inheritance } from './inheritance.js';
import { partitionLeaves } from './partition-leaves.js';

/** Comments are compared and set by comment-diff.ts; table ops carry definitions without them. */
const bare = <T extends { comment: string | null }>(x: T): T => ({ ...x, comment: null });

/** A table's columns and non-FK constraints: what CREATE TABLE makes. */
function tableCore(t: Table): Table {
  return {
    ...t,
    columns: t.columns.map(bare),
    constraints: t.constraints.map(bare),
    foreignKeys: [],
    indexes: [],
    comment: null,
  };
}

/** Column fields that an ALTER COLUMN changes (the comment is separate, position is not compared). */
/** Whether an expression (as pg_get_expr prints it) names a column. */
function readsColumn(expression: string, column: string): boolean {
  const quoted = `"${column.replace(/"/g, '""')}"`;
  if (expression.includes(quoted)) return true;
  return (
    /^[a-z_][a-z0-9_$]*$/.test(column) &&
    new RegExp(`(^|[^\\w$."])${column.replace(/\$/g, '\\$')}($|[^\\w$"])`).test(expression)
  );
}

function columnShape(c: Column): string {
  return JSON.stringify([c.type, c.notNull, c.default, c.identity, c.generated, c.collation]);
}

interface TableDiff {
  ops: PlacedOp[];
  /** Tables whose existing columns change or go, as `schema.table`: views reading them are rebuilt. */
  reshaped: Set<string>;
  /** Tables made again (plain ↔ partitioned), as `schema.table`: what hangs on them is made again around them. */
  remade: Set<string>;
}

/**
 * Tables, columns, constraints, indexes and foreign keys. A dropped table's foreign keys and
 * indexes are dropped explicitly first, so that the inverse (the down migration) re-creates them.
 * A foreign key is dropped and re-added around a rebuild of the unique index or constraint it
 * relies on, and around a re-created generated column.
 *
 * @param callsRemade whether an expression calls a function the migration drops or makes again:
 *   a generated column, index or constraint that does is made again around it
 */
export function diffTables(
  from: Catalog,
  to: Catalog,
  callsRemade: (expression: string) => boolean = () => false,
  /** Relations made again by another differ (a partition with new bounds): foreign keys to them step aside. */
  remadeRelations: ReadonlySet<string> = new Set(),
): TableDiff {
  const out: PlacedOp[] = [];
  const reshaped = new Set<string>();
  const { added, removed, both } = compareKeyed(from.tables, to.tables, keyOf);
  const inheritance = new Inheritance(from, to);

  for (const t of added) {
    const ref = { schema: t.schema, table: t.name };
    out.push(placed(Phase.createTable, { kind: 'createTable', table: tableCore(t) }, inheritance.createRank(t)));
    out.push(...inheritance.ownSettings(t, true));
    for (const index of t.indexes)
      out.push(placed(Phase.createIndex, { kind: 'createIndex', ...ref, index: bare(index), fresh: true }));
    for (const fk of t.foreignKeys) {
      out.push(placed(Phase.addForeignKey, { kind: 'addConstraint', ...ref, constraint: bare(fk), fresh: true }));
    }
  }
  for (const t of removed) {
    const ref = { schema: t.schema, table: t.name };
    for (const fk of t.foreignKeys)
      out.push(placed(Phase.dropForeignKey, { kind: 'dropConstraint', ...ref, constraint: bare(fk), fresh: true }));
    for (const index of t.indexes)
      out.push(placed(Phase.dropIndex, { kind: 'dropIndex', ...ref, index: bare(index), fresh: true }));
    out.push(...inheritance.ownSettings(t, false));
    out.push(placed(Phase.dropTable, { kind: 'dropTable', table: tableCore(t) }, inheritance.dropRank(t)));
  }

  // Unique keys that are dropped or rebuilt, as `schema.table(columns)`: foreign keys on them must step aside.
  const rebuiltKeys = new Set<string>();
  const uniqueKeyOf = (schema: string, table: string, columns: readonly string[]) =>
    `${qualifiedName(schema, table)}(${[...columns].sort().join(',')})`;
  const handledForeignKeys = new Set<string>();
  // Tables made again in another form (plain ↔ partitioned): what names them steps aside.
  const remade = new Set<string>();

  for (const [a, b] of both) {
    const ref = {
      schema: b.schema,
      table: b.name,
      ...(b.partitionBy ? { partitioned: { leaves: partitionLeaves(from, to, keyOf(b)) } } : {}),
    };
    if (a.partitionBy !== b.partitionBy) {
      out.push(...remakeOps(from, to, a, b));
      remade.add(keyOf(b));
      reshaped.add(keyOf(b));
      continue;
    }
    const columns = compareKeyed(a.columns, b.columns, (c) => c.name);
    const recreated = new Set<string>();
    // A child's column ops run after its parents', which PostgreSQL carries down to it.
    const rank = inheritance.columnRank(a, b);
    out.push(
      ...inheritance.parentChanges(a, b),
      ...inheritance.keptFromParentDrop(a, b, columns.both),
      ...inheritance.checksDroppedByParent(a, b),
    );
    for (const c of columns.removed) {
      out.push(placed(Phase.dropColumn, { kind: 'dropColumn', ...ref, column: bare(c) }, rank));
      reshaped.add(keyOf(b));
    }
    for (const c of columns.added) {
      if (inheritance.addedByParent(a, b, c)) continue;
      out.push(placed(Phase.addColumn, { kind: 'addColumn', ...ref, column: bare(c) }, rank));
    }
    // PostgreSQL will not change the type of a column a generated column reads, nor drop a
    // function it calls (`callsRemade`): such a generated column is dropped first and added back
    // after the change (its values are computed again).
    const retyped = columns.both.filter(([x, y]) => x.type !== y.type).map(([x]) => x.name);
    const rebuilt = new Set(
      columns.both
        .filter(
          ([x, y]) =>
            x.generated !== null &&
            x.generated === y.generated &&
            (retyped.some((name) => readsColumn(x.generated!, name)) || callsRemade(x.generated)),
        )
        .map(([x]) => x.name),
    );
    for (const [before, y] of columns.both) {
      if (rebuilt.has(before.name)) {
        recreated.add(before.name);
        out.push(placed(Phase.dropColumn, { kind: 'dropColumn', ...ref, column: bare(before) }, rank));
        out.push(placed(Phase.alterColumn, { kind: 'addColumn', ...ref, column: bare(y) }, 1 + rank));
        continue;
      }
      const x = inheritance.afterParents(a, b, before, y);
      if (columnShape(before) !== columnShape(y)) reshaped.add(keyOf(b));
      if (columnShape(x) === columnShape(y)) continue;
      if (x.generated !== y.generated) {
        // A generated expression cannot be altered in place (before PostgreSQL 17): re-create the column.
        recreated.add(x.name);
        out.push(placed(Phase.dropColumn, { kind: 'dropColumn', ...ref, column: bare(x) }, rank));
        out.push(placed(Phase.addColumn, { kind: 'addColumn', ...ref, column: bare(y) }, rank));
      } else {
        out.push(placed(Phase.alterColumn, { kind: 'alterColumn', ...ref, from: bare(x), to: bare(y) }, rank));
      }
    }
    const touchesRecreated = (k: { columns: string[] }) => k.columns.some((c) => recreated.has(c));

    /** Named objects: gone or changed ones are dropped, new or changed ones created. */
    const named = <T extends { name: string; definition: string; columns: string[] }>(
      x: readonly T[],
      y: readonly T[],
      drop: (item: T) => void,
      create: (item: T) => void,
    ) => {
      const c = compareKeyed(x, y, (k) => k.name);
      const changed = c.both.filter(
        ([p, q]) => p.definition !== q.definition || touchesRecreated(q) || callsRemade(p.definition),
      );
      for (const item of [...c.removed, ...changed.map(([p]) => p)]) drop(item);
      for (const item of [...c.added, ...changed.map(([, q]) => q)]) create(item);
    };
    named(
      a.constraints,
      b.constraints,
      (k) => {
        out.push(placed(Phase.dropConstraint, { kind: 'dropConstraint', ...ref, constraint: bare(k) }));
        if (k.kind === 'primary' || k.kind === 'unique') rebuiltKeys.add(uniqueKeyOf(a.schema, a.name, k.columns));
      },
      (k) => out.push(placed(Phase.addConstraint, { kind: 'addConstraint', ...ref, constraint: bare(k) })),
    );
    named(
      a.indexes,
      b.indexes,
      (i) => {
        out.push(placed(Phase.dropIndex, { kind: 'dropIndex', ...ref, index: bare(i) }));
        if (i.unique) rebuiltKeys.add(uniqueKeyOf(a.schema, a.name, i.columns));
      },
      (i) => out.push(placed(Phase.createIndex, { kind: 'createIndex', ...ref, index: bare(i) })),
    );
    named(
      a.foreignKeys,
      b.foreignKeys,
      (k) => {
        out.push(placed(Phase.dropForeignKey, { kind: 'dropConstraint', ...ref, constraint: bare(k) }));
        handledForeignKeys.add(qualifiedName(a.schema, a.name, k.name));
      },
      (k) => out.push(placed(Phase.addForeignKey, { kind: 'addConstraint', ...ref, constraint: bare(k) })),
    );
  }

  // Columns whose type changes to one of another family: a foreign key between such a column and
  // one still of the old type "cannot be implemented", so it steps aside around the change.
  const retyped = new Set(
    both.flatMap(([a, b]) =>
      a.columns.flatMap((c) => {
        const after = b.columns.find((x) => x.name === c.name);
        return after && !sameTypeFamily(c.type, after.type) ? [qualifiedName(a.schema, a.name, c.name)] : [];
      }),
    ),
  );
  // Foreign keys that stay as they are but rely on a unique key that is rebuilt, join a column whose
  // type changes family, or reference a relation made again.
  for (const [a, b] of both) {
    if (remade.has(keyOf(b))) continue;
    for (const fk of a.foreignKeys) {
      if (handledForeignKeys.has(qualifiedName(a.schema, a.name, fk.name)) || !fk.references) continue;
      const target = uniqueKeyOf(fk.references.schema, fk.references.table, fk.references.columns);
      const { schema, table, columns } = fk.references;
      const retypes =
        fk.columns.some((c) => retyped.has(qualifiedName(a.schema, a.name, c))) ||
        columns.some((c) => retyped.has(qualifiedName(schema, table, c)));
      const remadeTarget =
        remadeRelations.has(qualifiedName(schema, table)) || remade.has(qualifiedName(schema, table));
      if (!rebuiltKeys.has(target) && !retypes && !remadeTarget) continue;
      const kept = b.foreignKeys.find((k) => k.name === fk.name);
      if (!kept) continue;
      const ref = { schema: a.schema, table: a.name };
      out.push(placed(Phase.dropForeignKey, { kind: 'dropConstraint', ...ref, constraint: bare(fk) }));
      out.push(placed(Phase.addForeignKey, { kind: 'addConstraint', ...ref, constraint: bare(kept) }));
    }
  }
  return { ops: out, reshaped, remade };
}

/**
 * A table that becomes partitioned, or stops being: PostgreSQL cannot change that in place, so it
 * is made again with its rows (remakeTable: its partitions, indexes, foreign keys and the
 * sequences its columns own go with it). Refused by name where the copy cannot be faithful:
 * identity columns (their sequences go with the old table), inheritance, a change of partition
 * key (the partitions' names would clash), partitions partitioned in turn.
 */
function remakeOps(from: Catalog, to: Catalog, a: Table, b: Table): PlacedOp[] {
  const refuse = (why: string) =>
    new SmartemDbError(
      'UNSUPPORTED_CHANGE',
      `Table ${keyOf(b)} is ${a.partitionBy ? `partitioned by ${a.partitionBy}` : 'not partitioned'} and the model has it ` +
        `${b.partitionBy ? `partitioned by ${b.partitionBy}` : 'not partitioned'}, which smartem-db makes by copying it into a new table, ` +
        `but not here: ${why}. Write the move by hand (a new table under another name, the rows copied, the names swapped): ` +
        '`smartem-db generate --empty <name>`.',
    );
  if (a.partitionBy && b.partitionBy)
    throw refuse("the partition key changes (the new partitions would take the old ones' names)");
  if ([...a.columns, ...b.columns].some((c) => c.identity)) throw refuse('it has an identity column');
  const key = keyOf(b);
  const inherits = (t: Table) => t.inherits?.length || from.tables.some((x) => x.inherits?.includes(key));
  if (inherits(a) || inherits(b)) throw refuse('it takes part in table inheritance');
  const partitionsOf = (catalog: Catalog) => catalog.objects.filter((o) => o.kind === 'partition' && o.on === key);
  const [before, after] = [partitionsOf(from), partitionsOf(to)];
  if ([...before, ...after].some((p) => p.create.some((sql) => / PARTITION BY /.test(sql))))
    throw refuse('a partition is partitioned in turn');
  const owned = (catalog: Catalog) =>
    catalog.sequences.filter((s) => s.schema === b.schema && s.ownedBy?.table === b.name);
  const online = onlineKey(from, to, a, b, [...before, ...after]);
  return [
    placed(Phase.createTable, {
      kind: 'remakeTable',
      from: { table: a, partitions: before, sequences: owned(from) },
      to: { table: b, partitions: after, sequences: owned(to) },
      ...(online ? { online: { key: online } } : {}),
    }),
  ];
}

/**
 * The primary key a table made again online is mirrored by, when it can be: both shapes have it,
 * the partitioned shape has a default partition (every row the application writes meanwhile has a
 * place, the down's too), and nothing else names the table (no foreign key to it, no view, nothing attached to
 * it or naming it), since those would have to be made again while the rows are copied.
 */
function onlineKey(from: Catalog, to: Catalog, a: Table, b: Table, partitions: DefinedObject[]): string[] | undefined {
  const key = keyOf(b);
  const primary = (t: Table) => t.constraints.find((k) => k.kind === 'primary')?.columns;
  const [before, after] = [primary(a), primary(b)];
  if (!before || !after || [...before].sort().join() !== [...after].sort().join()) return undefined;
  if (!partitions.some((p) => p.create.some((sql) => / DEFAULT$/.test(sql)))) return undefined;
  for (const c of [from, to]) {
    const referenced = c.tables.some((t) =>
      t.foreignKeys.some((k) => k.references && qualifiedName(k.references.schema, k.references.table) === key),
    );
    const read = c.views.some((v) => v.dependsOn.includes(key));
    const named = c.objects.some((o) => (o.on === key && o.kind !== 'partition') || o.uses?.includes(key));
    if (referenced || read || named) return undefined;
  }
  return after;
}
