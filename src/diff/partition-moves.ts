import type { Catalog, DefinedObject } from '../catalog/catalog.js';
import { keyOf } from '../catalog/qualified-name.js';
import type { Op, PartitionMove } from '../ops/op.js';

/** `CREATE TABLE <partition> PARTITION OF <parent> <bound>`, as the partition kind writes it (not one partitioned in turn). */
const PARTITION_SQL = /^CREATE TABLE (.+) PARTITION OF (.+?) (FOR VALUES .+|DEFAULT)$/s;

/**
 * A table that stays and only joins or leaves a partitioned table (plain in one catalog, a
 * partition of the same name in the other): ATTACH or DETACH PARTITION, which keep its rows,
 * instead of dropping one table and creating another. They are steps taken before the rest of
 * the diff (as renames are): what else differs about the table (its own indexes, a comment) is
 * diffed against the table as it is once it joined or left. A partition partitioned in turn,
 * or one whose parent is not there before and after, is left to the diff (dropped and created).
 *
 * @example const steps = partitionMoves(current, desired); // [{ kind: 'attachPartition', ... }]
 */
export function partitionMoves(from: Catalog, to: Catalog): Op[] {
  const plain = (c: Catalog) => new Map(c.tables.filter((t) => t.partitionBy === null).map((t) => [keyOf(t), t]));
  const partitioned = (c: Catalog) => new Set(c.tables.filter((t) => t.partitionBy !== null).map(keyOf));
  const partitions = (c: Catalog) =>
    new Map(c.objects.filter((o) => o.kind === 'partition').map((o) => [o.name, o] as const));
  const [plainFrom, plainTo] = [plain(from), plain(to)];
  const [partsFrom, partsTo] = [partitions(from), partitions(to)];
  const parents = new Set([...partitioned(from)].filter((p) => partitioned(to).has(p)));
  const withDefault = new Set(
    [...partsFrom.values()].flatMap((o) => (o.on !== null && / DEFAULT$/.test(o.create[0] ?? '') ? [o.on] : [])),
  );
  const moves: Op[] = [];
  for (const [name, part] of partsTo) {
    const move = moveOf(part, parents, withDefault);
    if (move && plainFrom.has(name) && !plainTo.has(name) && !partsFrom.has(name))
      moves.push({ kind: 'attachPartition', ...move });
  }
  for (const [name, part] of partsFrom) {
    const move = moveOf(part, parents, withDefault);
    if (move && plainTo.has(name) && !plainFrom.has(name) && !partsTo.has(name))
      moves.push({ kind: 'detachPartition', ...move });
  }
  return moves;
}

function moveOf(
  part: DefinedObject,
  parents: ReadonlySet<string>,
  withDefault: ReadonlySet<string>,
): PartitionMove | null {
  const sql = PARTITION_SQL.exec(part.create[0] ?? '');
  if (!sql || part.on === null || !parents.has(part.on) || / PARTITION BY /.test(sql[3]!)) return null;
  return { partition: sql[1]!, parent: sql[2]!, bound: sql[3]!, parentHasDefault: withDefault.has(part.on) };
}
