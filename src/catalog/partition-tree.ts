import type { DefinedObject } from './catalog.js';

/** The partition kind's statement of one partitioned in turn ends with its key. */
const PARTITIONED_IN_TURN = / PARTITION BY (RANGE|LIST|HASH) \(.*\)$/s;

/**
 * The partitions among `objects` that hold rows and belong to `parent` (`schema.name`), directly
 * or through partitions partitioned in turn.
 *
 * @example leafPartitions(catalog.objects, 'public.micrograph').map((p) => p.name) // ['public.micrograph_2026']
 */
export function leafPartitions(objects: readonly DefinedObject[], parent: string): DefinedObject[] {
  const partitions = objects.filter((o) => o.kind === 'partition');
  const leaves: DefinedObject[] = [];
  const seen = new Set<string>();
  const visit = (of: string) => {
    for (const p of partitions.filter((o) => o.on === of && !seen.has(o.name))) {
      seen.add(p.name);
      if (PARTITIONED_IN_TURN.test(p.create[0] ?? '')) visit(p.name);
      else leaves.push(p);
    }
  };
  visit(parent);
  return leaves;
}
