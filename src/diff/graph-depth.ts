/**
 * How deep each item sits in a graph of what it stands on (0: on nothing among `items`): one plus
 * the deepest of its parents. A cycle counts as ground. Used to order creations (parents first)
 * and drops (children first) inside a phase.
 *
 * @example graphDepths(views, keyOf, (v) => v.dependsOn) // a view on a view on a table: 1
 */
export function graphDepths<T>(
  items: readonly T[],
  key: (item: T) => string,
  parents: (item: T) => readonly string[],
): Map<string, number> {
  const byKey = new Map(items.map((item) => [key(item), item]));
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (k: string): number => {
    const known = depth.get(k);
    if (known !== undefined) return known;
    const item = byKey.get(k);
    if (item === undefined || visiting.has(k)) return 0;
    visiting.add(k);
    const up = parents(item).filter((p) => p !== k && byKey.has(p));
    const d = up.length ? 1 + Math.max(...up.map(visit)) : 0;
    visiting.delete(k);
    depth.set(k, d);
    return d;
  };
  for (const k of byKey.keys()) visit(k);
  return depth;
}
