import type { Catalog, DefinedObject } from '../catalog/catalog.js';
import { objectKind } from '../objects/object-kinds.js';
import { byKey, compareKeyed } from './keyed.js';
import { Phase, placed, type PlacedOp } from './phases.js';

const keyOf = (o: DefinedObject) => `${o.kind} ${o.name}`;
const same = (a: DefinedObject, b: DefinedObject) =>
  JSON.stringify(a.create) === JSON.stringify(b.create) && a.drop === b.drop && a.on === b.on;

/**
 * Objects known by their definition (functions, triggers, policies, grants, partitions ...):
 * gone ones dropped, new ones created, changed ones replaced in place when their kind allows and
 * their shape stays, else dropped and created. What belongs to a view that is re-created, or to a
 * table whose columns change under it (policies, triggers, rules, statistics), is dropped before
 * and created after, since PostgreSQL drops it with the view, or refuses the change under it.
 *
 * A function naming an enum that is swapped (renamed away, made anew, dropped) goes before the
 * swap and comes after it: the old type cannot be dropped while something names it.
 *
 * @param rebuilt views the migration drops and creates again (`schema.name`)
 * @param reshaped tables whose columns change type or go
 * @param swappedTypes enums replaced by a new type of the same name
 */
export function diffObjects(
  from: Catalog,
  to: Catalog,
  rebuilt: ReadonlySet<string>,
  reshaped: ReadonlySet<string>,
  swappedTypes: ReadonlySet<string> = new Set(),
): PlacedOp[] {
  const out: PlacedOp[] = [];
  const fromDepth = depths(from.objects);
  const toDepth = depths(to.objects);
  // Inside a phase, partitions of partitions come after their parent and go before it.
  const drop = (o: DefinedObject) =>
    out.push(placed(objectKind(o.kind).dropPhase, { kind: 'dropObject', object: o }, -(fromDepth.get(keyOf(o)) ?? 0)));
  const create = (o: DefinedObject) =>
    out.push(placed(objectKind(o.kind).createPhase, { kind: 'createObject', object: o }, toDepth.get(keyOf(o)) ?? 0));

  const { added, removed, both } = compareKeyed(from.objects, to.objects, keyOf);
  removed.forEach(drop);
  added.forEach(create);
  // A partition re-created (new bounds) loses what hangs on it: its triggers, indexes, constraints.
  const recreated = new Set([
    ...rebuilt,
    ...both.flatMap(([a, b]) => (a.kind === 'partition' && !same(a, b) ? [a.name] : [])),
  ]);
  for (const [a, b] of both) {
    const kind = objectKind(a.kind);
    if (a.uses?.some((t) => swappedTypes.has(t))) {
      out.push(placed(Phase.leaveSwappedType, { kind: 'dropObject', object: a }));
      create(b);
      continue;
    }
    const underChange =
      (a.on !== null && recreated.has(a.on)) ||
      (kind.rebuiltWithReshapedTable === true && a.on !== null && reshaped.has(a.on));
    if (same(a, b) && !underChange) continue;
    if (kind.replaceable && a.shape === b.shape && !underChange) {
      out.push(placed(kind.createPhase, { kind: 'replaceObject', from: a, to: b }));
      continue;
    }
    // The same object changed: the old one goes right before the new one comes, wherever drops of its kind go.
    const kindOrder = kind.dropPhase < kind.createPhase ? kind.dropPhase : kind.createPhase;
    out.push(placed(kindOrder, { kind: 'dropObject', object: a }, kindOrder === kind.dropPhase ? 0 : -1000));
    create(b);
  }
  return out;
}

/** How many objects of its own kind an object hangs from (a partition of a partition: 1). */
function depths(objects: readonly DefinedObject[]): Map<string, number> {
  const byName = byKey(objects, keyOf);
  const depth = (o: DefinedObject, seen: number): number => {
    const parent = o.on === null ? undefined : byName.get(`${o.kind} ${o.on}`);
    return parent && seen < 32 ? 1 + depth(parent, seen + 1) : 0;
  };
  return new Map(objects.map((o) => [keyOf(o), depth(o, 0)]));
}
