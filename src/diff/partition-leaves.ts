import type { Catalog, DefinedObject } from '../catalog/catalog.js';
import { leafPartitions } from '../catalog/partition-tree.js';
import type { PartitionLeaf } from '../ops/op.js';
import { parseQualified } from '../sql/quote.js';

/** `CREATE TABLE <partition> PARTITION OF <parent> ...`: the partition's SQL name. */
const PARTITION_NAME = /^CREATE TABLE (.+?) PARTITION OF /s;

/**
 * The partitions of `parent` (`schema.name`) that hold rows, through partitions partitioned in
 * turn, that are there unchanged before and after: the ones an index, key or foreign key the
 * migration adds to `parent` can be built on one by one, before the parent's own statement only
 * attaches them. A partition made or dropped by the migration is left out (it is new and empty,
 * or going); the parent's statement builds on what is left (PostgreSQL does, under its lock).
 *
 * @example partitionLeaves(current, desired, 'public.micrograph') // [{ schema: 'public', name: 'micrograph_2026' }]
 */
export function partitionLeaves(from: Catalog, to: Catalog, parent: string): PartitionLeaf[] {
  const partitions = (c: Catalog) =>
    new Map(c.objects.filter((o) => o.kind === 'partition').map((o) => [o.name, o] as const));
  const after = partitions(to);
  const kept = [...partitions(from).values()].filter(
    (o) => after.get(o.name)?.create[0] === o.create[0] && after.get(o.name)?.on === o.on,
  );
  return leafPartitions(kept, parent).flatMap((p) => {
    const leaf = leafOf(p);
    return leaf ? [leaf] : [];
  });
}

function leafOf(partition: DefinedObject): PartitionLeaf | undefined {
  const sql = PARTITION_NAME.exec(partition.create[0] ?? '')?.[1];
  return sql === undefined ? undefined : parseQualified(sql);
}
