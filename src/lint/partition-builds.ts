// What a migration has already built on the partitions of a partitioned table. PostgreSQL builds
// no index there CONCURRENTLY and adds no foreign key there NOT VALID; its manual's way is to
// build each partition's own first (concurrently, or NOT VALID then validated), after which the
// parent's plain statement finds them and only attaches them. Judged from the parsed SQL and the
// catalog the migration starts from (which partitions the table has), on the side of caution.

import type { Catalog } from '../catalog/catalog.js';
import { leafPartitions } from '../catalog/partition-tree.js';

// libpg-query's AST is plain JSON; only the fields read here are typed.
type Node = Record<string, any>;

/** By table (`schema.table`): what its own statements built that a parent's can take over. */
export interface PartitionBuilds {
  /** Indexes built CONCURRENTLY, by name: their shape (the statement without names). */
  indexes: Map<string, Map<string, string>>;
  /** Unique and primary keys made from such an index (`CONSTR_UNIQUE(a,b)`). */
  keys: Map<string, Set<string>>;
  /** Foreign keys added NOT VALID, by name, awaiting VALIDATE: their shape. */
  pendingForeignKeys: Map<string, Map<string, string>>;
  /** Foreign keys that hold for every row (validated): their shapes. */
  foreignKeys: Map<string, Set<string>>;
  /** Tables attached (true) to or detached (false) from a partitioned table, by parent. */
  moved: Map<string, Map<string, boolean>>;
}

export const newPartitionBuilds = (): PartitionBuilds => ({
  indexes: new Map(),
  keys: new Map(),
  pendingForeignKeys: new Map(),
  foreignKeys: new Map(),
  moved: new Map(),
});

/** A node without what names or places it (its text position, the names in `skip`), as text. */
function shapeOf(node: Node, skip: readonly string[]): string {
  return JSON.stringify(node, (key, value) => (key === 'location' || skip.includes(key) ? undefined : value));
}

/** The shape of CREATE INDEX that two tables' indexes share when one is the other's part. */
const indexShape = (stmt: Node): string => shapeOf(stmt, ['idxname', 'relation', 'concurrent', 'if_not_exists']);

/** The shape of a foreign key, whether it is checked yet or not. */
const foreignKeyShape = (c: Node): string => shapeOf(c, ['conname', 'skip_validation', 'initially_valid']);

/** The columns of a unique or primary key as `CONSTR_UNIQUE(a,b)`. */
const keyShape = (contype: string, columns: readonly string[]): string => `${contype}(${columns.join(',')})`;

const at = <V>(m: Map<string, V>, table: string, empty: () => V): V =>
  m.get(table) ?? m.set(table, empty()).get(table)!;

/** Notes a CREATE INDEX CONCURRENTLY on `table`. */
export function noteIndexBuild(table: string, stmt: Node, builds: PartitionBuilds): void {
  if (!stmt.concurrent || !stmt.idxname) return;
  at(builds.indexes, table, () => new Map<string, string>()).set(stmt.idxname, indexShape(stmt));
}

/** Notes what an ALTER TABLE command on `table` adds that a parent's key can take over. */
export function noteKeyBuild(table: string, cmd: Node, builds: PartitionBuilds): void {
  if (cmd.subtype === 'AT_AttachPartition' || cmd.subtype === 'AT_DetachPartition') {
    const name = cmd.def?.PartitionCmd?.name ?? {};
    const partition = `${name.schemaname ?? 'public'}.${name.relname ?? '?'}`;
    at(builds.moved, table, () => new Map<string, boolean>()).set(partition, cmd.subtype === 'AT_AttachPartition');
  } else if (cmd.subtype === 'AT_AddConstraint') {
    const c: Node = cmd.def?.Constraint ?? {};
    if ((c.contype === 'CONSTR_UNIQUE' || c.contype === 'CONSTR_PRIMARY') && c.indexname) {
      const built = builds.indexes.get(table)?.get(c.indexname);
      const stmt = built === undefined ? undefined : (JSON.parse(built) as Node);
      const columns = plainKeyColumns(stmt);
      if (stmt?.unique && columns) at(builds.keys, table, () => new Set<string>()).add(keyShape(c.contype, columns));
    } else if (c.contype === 'CONSTR_FOREIGN') {
      if (c.skip_validation)
        at(builds.pendingForeignKeys, table, () => new Map<string, string>()).set(c.conname ?? '', foreignKeyShape(c));
      else at(builds.foreignKeys, table, () => new Set<string>()).add(foreignKeyShape(c));
    }
  } else if (cmd.subtype === 'AT_ValidateConstraint') {
    const shape = builds.pendingForeignKeys.get(table)?.get(cmd.name);
    if (shape !== undefined) at(builds.foreignKeys, table, () => new Set<string>()).add(shape);
  }
}

/** The columns of a plain btree index on columns alone (what a key's index is), or undefined. */
function plainKeyColumns(stmt: Node | undefined): string[] | undefined {
  if (!stmt || stmt.whereClause || (stmt.indexIncludingParams ?? []).length || (stmt.options ?? []).length)
    return undefined;
  const elems: Node[] = (stmt.indexParams ?? []).map((p: Node) => p.IndexElem ?? {});
  if (
    elems.some((e) => !e.name || e.expr || e.opclass || e.collation || (e.ordering && e.ordering !== 'SORTBY_DEFAULT'))
  )
    return undefined;
  return elems.map((e) => e.name as string);
}

/**
 * The partitions holding rows of `table` (`schema.table`, through ones partitioned in turn) as
 * the catalog has them and the migration has attached or detached them so far, or undefined when
 * the catalog is not known or the table is not partitioned.
 */
export function catalogLeaves(
  catalog: Catalog | undefined,
  table: string,
  builds: PartitionBuilds,
): string[] | undefined {
  const parent = catalog?.tables.find((t) => `${t.schema}.${t.name}` === table);
  if (!catalog || !parent?.partitionBy) return undefined;
  const moved = builds.moved.get(table) ?? new Map<string, boolean>();
  const own = (t: string) => {
    const partitioned = catalog.tables.find((x) => `${x.schema}.${x.name}` === t)?.partitionBy;
    return partitioned ? leafPartitions(catalog.objects, t).map((p) => p.name) : [t];
  };
  const leaves = leafPartitions(catalog.objects, table)
    .map((p) => p.name)
    .filter((p) => moved.get(p) !== false);
  for (const [partition, attached] of moved) if (attached) leaves.push(...own(partition));
  return leaves;
}

/** The partitions in `leaves` that have no index of the parent's CREATE INDEX's shape built yet. */
export function leavesWithoutIndex(builds: PartitionBuilds, leaves: readonly string[], stmt: Node): string[] {
  const shape = indexShape(stmt);
  return leaves.filter((leaf) => ![...(builds.indexes.get(leaf)?.values() ?? [])].includes(shape));
}

/** The partitions in `leaves` that do not have the parent's key or foreign key `c` of their own yet. */
export function leavesWithoutKey(builds: PartitionBuilds, leaves: readonly string[], c: Node): string[] {
  if (c.contype === 'CONSTR_FOREIGN') {
    const shape = foreignKeyShape(c);
    return leaves.filter((leaf) => !builds.foreignKeys.get(leaf)?.has(shape));
  }
  const columns = (c.keys ?? []).map((k: Node) => k.String?.sval as string);
  const plain = !(c.including ?? []).length && !(c.options ?? []).length && !c.nulls_not_distinct;
  const shape = keyShape(c.contype, columns);
  return leaves.filter((leaf) => !plain || !builds.keys.get(leaf)?.has(shape));
}

/**
 * Without the catalog, whether the migration built the index's shape on other tables already:
 * the manual's way for a partitioned table (each partition's first), which is then taken to be
 * what they are. lint --db judges by the partitions the table has.
 */
export function indexBuiltElsewhere(builds: PartitionBuilds, table: string, stmt: Node): boolean {
  const shape = indexShape(stmt);
  return [...builds.indexes].some(([t, built]) => t !== table && [...built.values()].includes(shape));
}

/** The same for a unique, primary or foreign key. */
export function keyBuiltElsewhere(builds: PartitionBuilds, table: string, c: Node): boolean {
  const others = new Set([...builds.keys.keys(), ...builds.foreignKeys.keys()]);
  others.delete(table);
  return others.size > 0 && leavesWithoutKey(builds, [...others], c).length < others.size;
}
