import type { Catalog, View } from '../catalog/catalog.js';
import { byKey, compareKeyed } from './keyed.js';
import { keyOf } from '../catalog/qualified-name.js';
import { graphDepths } from './graph-depth.js';
import { Phase } from '../objects/phases.js';
import { placed, type PlacedOp } from './phases.js';

/**
 * Views and materialized views. A view is re-created (dropped early, created late) when its
 * definition changes, or when something it reads is re-created or has columns changed or dropped:
 * PostgreSQL refuses to alter a column a view uses. Drops go dependents-first, creations in
 * dependency order. A view's comments (and its indexes') go and come with it: a comment op on a
 * dropped view would run after the drop.
 */
export function diffViews(
  from: Catalog,
  to: Catalog,
  reshapedTables: ReadonlySet<string>,
  remadeObjects: ReadonlySet<string> = new Set(),
): PlacedOp[] {
  const out: PlacedOp[] = [];
  const { added, removed, both } = compareKeyed(from.views, to.views, keyOf);
  const rebuild = new Set<string>(removed.map(keyOf));
  for (const [a, b] of both) {
    if (a.definition !== b.definition || a.materialized !== b.materialized) rebuild.add(keyOf(a));
  }
  // Whatever reads a rebuilt view, a reshaped or dropped table, or a function or type that is
  // dropped or made again (`remadeObjects`), is rebuilt too (to a fixpoint).
  const droppedTables = new Set(compareKeyed(from.tables, to.tables, keyOf).removed.map(keyOf));
  let grew = true;
  while (grew) {
    grew = false;
    for (const v of from.views) {
      const key = keyOf(v);
      if (rebuild.has(key)) continue;
      if (
        v.dependsOn.some((d) => rebuild.has(d) || reshapedTables.has(d) || droppedTables.has(d) || remadeObjects.has(d))
      ) {
        rebuild.add(key);
        grew = true;
      }
    }
  }

  // Each view's depth in the view-on-view graph (0: reads only tables).
  const fromRank = graphDepths(from.views, keyOf, (v) => v.dependsOn);
  const toRank = graphDepths(to.views, keyOf, (v) => v.dependsOn);
  const toViews = byKey(to.views, keyOf);
  for (const v of from.views) {
    if (!rebuild.has(keyOf(v))) continue;
    // Dependents first: the higher the rank, the earlier it goes.
    const rank = -(fromRank.get(keyOf(v)) ?? 0);
    for (const index of v.indexes) {
      out.push(
        placed(Phase.dropViewIndex, { kind: 'dropIndex', schema: v.schema, table: v.name, index, fresh: true }, rank),
      );
    }
    out.push(placed(Phase.dropView, { kind: 'dropView', view: bareView(v) }, rank));
  }
  const create = [...added, ...[...rebuild].map((k) => toViews.get(k)).filter((v): v is View => !!v)];
  for (const v of create) {
    const rank = toRank.get(keyOf(v)) ?? 0;
    out.push(placed(Phase.createView, { kind: 'createView', view: bareView(v) }, rank));
    for (const index of v.indexes) {
      out.push(
        placed(
          Phase.createViewIndex,
          { kind: 'createIndex', schema: v.schema, table: v.name, index, fresh: true },
          rank,
        ),
      );
    }
  }
  // A materialized view that stays keeps its indexes; those that go, come or change are their own ops.
  for (const [a, b] of both) {
    if (rebuild.has(keyOf(a))) continue;
    const ref = { schema: a.schema, table: a.name };
    const indexes = compareKeyed(a.indexes, b.indexes, (i) => i.name);
    const changed = indexes.both.filter(([x, y]) => x.definition !== y.definition);
    for (const index of [...indexes.removed, ...changed.map(([x]) => x)])
      out.push(placed(Phase.dropIndex, { kind: 'dropIndex', ...ref, index: { ...index, comment: null } }));
    for (const index of [...indexes.added, ...changed.map(([, y]) => y)])
      out.push(placed(Phase.createIndex, { kind: 'createIndex', ...ref, index: { ...index, comment: null } }));
  }
  return out;
}

/** A view as its ops carry it: with its comments (they go and come with it), without its indexes (ops of their own). */
function bareView(v: View): View {
  return { ...v, indexes: [] };
}
