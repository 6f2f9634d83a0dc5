import type { Catalog, DefinedObject } from '../catalog/catalog.js';
import { objectKind } from '../objects/object-kinds.js';
import { RELATION_USE } from '../objects/object-kind.js';
import { keyOf as tableKey, qualifiedName } from '../catalog/qualified-name.js';
import { SmartemDbError } from '../errors.js';
import { compareKeyed } from './keyed.js';
import { graphDepths } from './graph-depth.js';
import { Phase } from '../objects/phases.js';
import { placed, type PlacedOp } from './phases.js';

const keyOf = (o: DefinedObject) => `${o.kind} ${o.name}`;
// The same text naming other objects (another function of the same name) is another object.
/** Two definitions of one object are the same object: what makes it, removes it, hangs it on, and names. */
export const same = (a: DefinedObject, b: DefinedObject) =>
  JSON.stringify(a.create) === JSON.stringify(b.create) &&
  a.drop === b.drop &&
  a.on === b.on &&
  JSON.stringify(a.uses ?? []) === JSON.stringify(b.uses ?? []);

/** The kinds other objects name in `uses`: types and functions, by `schema.name` and `schema.name(arguments)`. */
const NAMED_KINDS = new Set(['domain', 'composite type', 'range type', 'function']);

/** A step between phases, for an object placed after (or before) one it names, within the same phase band. */
const STEP = 0.001;

/**
 * Objects known by their definition (functions, triggers, policies, grants, partitions ...):
 * gone ones dropped, new ones created, changed ones replaced in place when their kind allows and
 * their shape stays, else dropped and created. What belongs to a view that is re-created, or to a
 * table whose columns change under it (policies, triggers, rules, statistics), is dropped before
 * and created after, since PostgreSQL drops it with the view, or refuses the change under it.
 *
 * Objects name others (`uses`: a function its argument types, a domain's check a function, a
 * composite type another): each is created after what it names and dropped before it, whatever
 * their kinds' phases say; and one naming an object that is dropped and created (a changed type,
 * a swapped enum) is dropped before it and created after it, as PostgreSQL will not drop what
 * something names.
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
  const { added, removed, both } = compareKeyed(from.objects, to.objects, keyOf);
  // A partition re-created (new bounds) loses what hangs on it: its triggers, indexes, constraints.
  const recreatedRelations = new Set([
    ...rebuilt,
    ...both.flatMap(([a, b]) => (a.kind === 'partition' && !same(a, b) ? [a.name] : [])),
  ]);

  // REVOKE on a table takes the same privilege from its columns: where a table's grants change
  // (one added is revoked by the down), its column grants are given again after.
  const revokedOn = new Set(
    [...removed, ...added, ...both.filter(([a, b]) => !same(a, b)).map(([a]) => a)].flatMap((o) =>
      o.kind === 'grant' && o.on !== null ? [o.on] : [],
    ),
  );

  // A partition's own unique key, when its parent gains a unique index: made after the index,
  // or PostgreSQL takes the key's index as the new index's part, and neither can then be dropped
  // (the down's DROP INDEX fails). Dropped before the index comes and added after it.
  const underNewIndex = partitionKeysUnderNewUniqueIndexes(from, to);

  const change = new Map<string, Change>();
  for (const [a, b] of both) {
    const kind = objectKind(a.kind);
    const underChange =
      (a.on !== null && recreatedRelations.has(a.on)) ||
      (kind.rebuiltWithReshapedTable === true && a.on !== null && reshaped.has(a.on)) ||
      (a.kind === 'column grant' && a.on !== null && revokedOn.has(a.on));
    change.set(keyOf(a), underNewIndex.has(keyOf(a)) ? 'afterIndex' : changeOf(from, to, a, b, underChange));
  }
  // A table's or view's row type is named too (a function returning SETOF a view): what names one
  // is made after the relation and dropped before it, and re-created around a rebuilt view.
  const rowTypes = relationRowTypes(from, to, rebuilt, reshaped);
  // What names an object that goes away and comes back is re-created around it.
  // A function whose body reads a table's column (BEGIN ATOMIC) too: PostgreSQL will not change
  // the column's type under it.
  const goneAndBack = rebuildAround(
    both,
    change,
    new Set([...swappedTypes, ...rebuilt, ...[...reshaped].map((t) => `${RELATION_USE}${t}`)]),
  );

  refuseTypesColumnsUse(
    from,
    to,
    [...goneAndBack].filter((name) => !swappedTypes.has(name) && !rebuilt.has(name) && !name.startsWith(RELATION_USE)),
  );

  // A function a view calls whose name stays with another signature goes right before the new
  // one comes, so that the view, rebuilt, calls the new one: with both there, a call that fits
  // either is ambiguous ("function dbl(integer) is not unique"). Others go last, after a column
  // default that calls one has changed.
  const renamedSignature = (o: DefinedObject) =>
    o.kind === 'function' &&
    from.views.some((v) => v.dependsOn.includes(o.name)) &&
    added.some((n) => n.kind === 'function' && routineName(n) === routineName(o));
  const dropped = [
    ...removed.map((o) => {
      const kind = objectKind(o.kind);
      return { o, base: renamedSignature(o) ? Math.min(kind.dropPhase, kind.createPhase) : kind.dropPhase };
    }),
    ...both.flatMap(([a]) => {
      const kind = objectKind(a.kind);
      const c = change.get(keyOf(a));
      // A changed object goes right before it comes back, wherever drops of its kind go; one
      // re-created around another goes before the first of them.
      if (c === 'recreate') return [{ o: a, base: Math.min(kind.dropPhase, kind.createPhase) }];
      if (c === 'rebuild') return [{ o: a, base: Math.min(kind.dropPhase, Phase.leaveSwappedType) }];
      if (c === 'afterIndex') return [{ o: a, base: kind.dropPhase }];
      return [];
    }),
  ];
  const created = [
    ...added,
    ...both.flatMap(([a, b]) => (['recreate', 'rebuild', 'afterIndex'].includes(change.get(keyOf(a))!) ? [b] : [])),
  ];
  // Changed in place where it is created (after what its new parts name).
  const altered = both.filter(([a]) => change.get(keyOf(a)) === 'alter');
  const dropAt = placement(
    dropped.map(({ o }) => o),
    new Map(dropped.map(({ o, base }) => [keyOf(o), rowTypes.dropBefore(o, base)])),
    -1,
  );
  const placedAsCreated = [...created, ...altered.map(([, b]) => b)];
  const createAt = placement(
    placedAsCreated,
    new Map(
      placedAsCreated.map((o) => [
        keyOf(o),
        underNewIndex.has(keyOf(o))
          ? Phase.createIndex + STEP
          : rowTypes.createAfter(o, objectKind(o.kind).createPhase),
      ]),
    ),
    1,
  );

  // How many objects of its own kind an object hangs from (a partition of a partition: 1).
  const hangsFrom = (o: DefinedObject) => (o.on === null ? [] : [`${o.kind} ${o.on}`]);
  const fromDepth = graphDepths(from.objects, keyOf, hangsFrom);
  const toDepth = graphDepths(to.objects, keyOf, hangsFrom);
  const out: PlacedOp[] = [];
  // Inside a phase, partitions of partitions come after their parent and go before it; a changed
  // object's drop comes before its creation in the same phase.
  for (const { o } of dropped) {
    const recreate = change.get(keyOf(o)) === 'recreate' || renamedSignature(o);
    out.push(
      placed(
        dropAt.get(keyOf(o))!,
        { kind: 'dropObject', object: o },
        recreate ? -1000 : -(fromDepth.get(keyOf(o)) ?? 0),
      ),
    );
  }
  for (const o of created)
    out.push(placed(createAt.get(keyOf(o))!, { kind: 'createObject', object: o }, toDepth.get(keyOf(o)) ?? 0));
  for (const [a, b] of both) {
    if (change.get(keyOf(a)) === 'replace')
      out.push(placed(objectKind(a.kind).createPhase, { kind: 'replaceObject', from: a, to: b }));
  }
  for (const [a, b] of altered) out.push(placed(createAt.get(keyOf(b))!, { kind: 'alterObject', from: a, to: b }));
  return out;
}

/**
 * A type that must be dropped and made again (a composite type's attributes, a domain's base type)
 * cannot be while a column of a table that stays has it: PostgreSQL refuses the DROP, and the
 * column's data would have to go through another type. Said before any SQL is written.
 */
function refuseTypesColumnsUse(from: Catalog, to: Catalog, types: readonly string[]): void {
  if (types.length === 0) return;
  const uses = columnsKeeping(from, to, types);
  if (uses.length === 0) return;
  throw new SmartemDbError(
    'UNSUPPORTED_CHANGE',
    `smartem-db cannot change a type that must be made again while a column keeps it:\n${uses.map((u) => `  - ${u}`).join('\n')}\n` +
      'Write it by hand (ALTER TYPE ... ADD ATTRIBUTE for a composite type, or a new type and the column converted): `smartem-db generate --empty <name>`.',
  );
}

/**
 * The partition constraints (`kind name`) that are a unique key of a partition whose parent gains
 * a unique index in this migration on the same columns (a new index, or one whose definition
 * changes), and that stay.
 */
function partitionKeysUnderNewUniqueIndexes(from: Catalog, to: Catalog): Set<string> {
  const before = new Map(from.tables.flatMap((t) => t.indexes.map((i) => [`${tableKey(t)} ${i.name}`, i.definition])));
  const gaining = new Map<string, string[][]>();
  for (const t of to.tables)
    for (const i of t.indexes)
      if (i.unique && before.get(`${tableKey(t)} ${i.name}`) !== i.definition)
        gaining.set(tableKey(t), [...(gaining.get(tableKey(t)) ?? []), i.columns]);
  if (gaining.size === 0) return new Set();
  const parentOf = new Map(to.objects.filter((o) => o.kind === 'partition').map((o) => [o.name, o.on]));
  const out = new Set<string>();
  for (const o of to.objects) {
    if (o.kind !== 'partition constraint' || o.on === null) continue;
    const parent = parentOf.get(o.on);
    const keyColumns = /\b(?:UNIQUE|PRIMARY KEY)(?: NULLS NOT DISTINCT)? \(([^)]*)\)/.exec(o.create[0] ?? '')?.[1];
    if (!parent || keyColumns === undefined) continue;
    const columns = keyColumns.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
    if (gaining.get(parent)?.some((c) => c.join(',') === columns.join(','))) out.add(keyOf(o));
  }
  return out;
}

/** The columns of tables that stay whose type is one of `types` (`schema.name`), as messages name them. */
function columnsKeeping(from: Catalog, to: Catalog, types: readonly string[]): string[] {
  const kept = new Set(to.tables.map((t) => qualifiedName(t.schema, t.name)));
  return from.tables.flatMap((t) =>
    kept.has(qualifiedName(t.schema, t.name))
      ? t.columns
          .filter((c) => types.includes(qualifiedName(c.typeRef.schema, c.typeRef.name)))
          .map((c) => `column ${qualifiedName(t.schema, t.name, c.name)} is of type ${c.type}`)
      : [],
  );
}

/** A function's or procedure's `schema.name`, without its arguments. */
const routineName = (o: DefinedObject) => o.name.slice(0, o.name.indexOf('('));

type Change = 'keep' | 'replace' | 'alter' | 'recreate' | 'rebuild' | 'afterIndex';

/** What becomes of an object in both catalogs: kept, set in place, altered part by part, or made again. */
function changeOf(from: Catalog, to: Catalog, a: DefinedObject, b: DefinedObject, underChange: boolean): Change {
  const kind = objectKind(a.kind);
  if (same(a, b) && !underChange) return 'keep';
  if (kind.replaceable && a.shape === b.shape && !underChange) return 'replace';
  if (kind.alter && columnsKeeping(from, to, [a.name]).length > 0) return 'alter';
  return 'recreate';
}

/**
 * What names an object that goes away and comes back (`gone`, and the named kinds' objects
 * `change` says are made again) is re-created around it, to a fixpoint: marked 'rebuild' in
 * `change`. Returns every name that goes away and comes back.
 */
function rebuildAround(
  both: readonly (readonly [DefinedObject, DefinedObject])[],
  change: Map<string, Change>,
  gone: ReadonlySet<string>,
): Set<string> {
  const goneAndBack = new Set(gone);
  for (const [a] of both) if (change.get(keyOf(a)) === 'recreate' && NAMED_KINDS.has(a.kind)) goneAndBack.add(a.name);
  for (let grew = true; grew;) {
    grew = false;
    for (const [a] of both) {
      const key = keyOf(a);
      if (change.get(key) === 'recreate' || change.get(key) === 'rebuild') continue;
      if (!a.uses?.some((u) => goneAndBack.has(u))) continue;
      change.set(key, 'rebuild');
      if (NAMED_KINDS.has(a.kind)) goneAndBack.add(a.name);
      grew = true;
    }
  }
  return goneAndBack;
}

/**
 * The functions and types (the kinds views name) a migration drops, or drops and makes again
 * (a changed signature or result, a type made again, what names one of those): a view that
 * names one is rebuilt around it, since PostgreSQL will not drop it under the view.
 *
 * @example const remade = remadeNamedObjects(current, desired, swapped); // Set { 'public.dbl(x integer)' }
 */
export function remadeNamedObjects(
  from: Catalog,
  to: Catalog,
  swappedTypes: ReadonlySet<string>,
  reshaped: ReadonlySet<string>,
): Set<string> {
  const { removed, both } = compareKeyed(from.objects, to.objects, keyOf);
  const change = new Map(both.map(([a, b]) => [keyOf(a), changeOf(from, to, a, b, false)] as const));
  const remade = rebuildAround(
    both,
    change,
    new Set([...swappedTypes, ...[...reshaped].map((t) => `${RELATION_USE}${t}`)]),
  );
  for (const o of removed) if (NAMED_KINDS.has(o.kind)) remade.add(o.name);
  return remade;
}

/**
 * The tables and views a migration creates or drops (a rebuilt view both), by the phase it does:
 * an object naming one's row type goes after its creation and before its drop.
 */
function relationRowTypes(from: Catalog, to: Catalog, rebuilt: ReadonlySet<string>, reshaped: ReadonlySet<string>) {
  const tables = compareKeyed(from.tables, to.tables, tableKey);
  const views = compareKeyed(from.views, to.views, tableKey);
  const made = new Map<string, number>([
    ...tables.added.map((t) => [tableKey(t), Phase.createTable] as const),
    ...[...views.added.map(tableKey), ...rebuilt].map((v) => [v, Phase.createView] as const),
  ]);
  const gone = new Map<string, number>([
    ...tables.removed.map((t) => [tableKey(t), Phase.dropTable] as const),
    ...[...views.removed.map(tableKey), ...rebuilt].map((v) => [v, Phase.dropView] as const),
  ]);
  // What reads a table's columns comes once they have changed, and goes before any of them goes.
  for (const t of reshaped) {
    made.set(`${RELATION_USE}${t}`, Math.max(made.get(t) ?? 0, Phase.alterColumn));
    gone.set(`${RELATION_USE}${t}`, Math.min(gone.get(t) ?? Infinity, Phase.dropColumn));
  }
  const relation = (u: string, of: Map<string, number>) =>
    of.has(u) ? u : u.startsWith(RELATION_USE) ? u.slice(RELATION_USE.length) : u;
  const phases = (o: DefinedObject, of: Map<string, number>) =>
    (o.uses ?? []).flatMap((u) => (of.has(relation(u, of)) ? [of.get(relation(u, of))!] : []));
  return {
    createAfter: (o: DefinedObject, base: number) => Math.max(base, ...phases(o, made).map((p) => p + STEP)),
    dropBefore: (o: DefinedObject, base: number) => Math.min(base, ...phases(o, gone).map((p) => p - STEP)),
  };
}

/**
 * Where each object's op goes: its base phase, moved past (direction 1: after; -1: before) every
 * object it names that is placed in the same set, so what is named exists first and goes last.
 */
function placement(objects: readonly DefinedObject[], base: Map<string, number>, direction: 1 | -1) {
  const named = new Map<string, DefinedObject>();
  for (const o of objects) if (NAMED_KINDS.has(o.kind)) named.set(o.name, o);
  const at = new Map<string, number>();
  const visit = (o: DefinedObject, depth: number): number => {
    const key = keyOf(o);
    const known = at.get(key);
    if (known !== undefined) return known;
    let phase = base.get(key)!;
    for (const u of o.uses ?? []) {
      const target = named.get(u);
      if (!target || target === o || depth > 64) continue;
      const other = visit(target, depth + 1) + direction * STEP;
      phase = direction === 1 ? Math.max(phase, other) : Math.min(phase, other);
    }
    at.set(key, phase);
    return phase;
  };
  for (const o of objects) visit(o, 0);
  return at;
}
