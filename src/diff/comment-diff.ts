import type { Catalog } from '../catalog/catalog.js';
import type { CommentTarget } from '../ops/op.js';
import { keyOf } from '../catalog/qualified-name.js';
import { Phase, placed, type PlacedOp } from './phases.js';

/**
 * Comments on every kind of object, compared in one place. A comment on an object that is
 * dropped is cleared first (so the down migration sets it again after re-creating the object);
 * new and changed comments are set once everything exists.
 */
export function diffComments(from: Catalog, to: Catalog, recreatedViews: ReadonlySet<string>): PlacedOp[] {
  const a = commentsOf(from, recreatedViews);
  const b = commentsOf(to, recreatedViews);
  const out: PlacedOp[] = [];
  for (const [key, { target, comment }] of a) {
    if (!b.has(key)) out.push(placed(Phase.clearComment, { kind: 'setComment', target, from: comment, to: null }));
  }
  for (const [key, { target, comment }] of b) {
    const before = a.get(key)?.comment ?? null;
    if (before !== comment)
      out.push(placed(Phase.setComment, { kind: 'setComment', target, from: before, to: comment }));
  }
  return out;
}

/**
 * Every non-null comment, keyed by what it is on; but those of views created, dropped or
 * re-created (`recreatedViews`), which their view's ops carry.
 */
function commentsOf(
  model: Catalog,
  recreatedViews: ReadonlySet<string>,
): Map<string, { target: CommentTarget; comment: string }> {
  const out = new Map<string, { target: CommentTarget; comment: string }>();
  const add = (target: CommentTarget, comment: string | null) => {
    if (comment !== null) out.set(JSON.stringify(target), { target, comment });
  };
  for (const e of model.enums) add({ kind: 'type', schema: e.schema, name: e.name }, e.comment);
  for (const s of model.sequences) add({ kind: 'sequence', schema: s.schema, name: s.name }, s.comment);
  for (const t of model.tables) {
    add({ kind: 'table', schema: t.schema, name: t.name }, t.comment);
    for (const c of t.columns) add({ kind: 'column', schema: t.schema, table: t.name, column: c.name }, c.comment);
    for (const k of [...t.constraints, ...t.foreignKeys])
      add({ kind: 'constraint', schema: t.schema, table: t.name, name: k.name }, k.comment);
    for (const i of t.indexes) add({ kind: 'index', schema: t.schema, name: i.name }, i.comment);
  }
  for (const v of model.views) {
    if (recreatedViews.has(keyOf(v))) continue;
    add({ kind: v.materialized ? 'materialized view' : 'view', schema: v.schema, name: v.name }, v.comment);
    for (const c of v.columnComments)
      add({ kind: 'column', schema: v.schema, table: v.name, column: c.column }, c.comment);
    for (const i of v.indexes) add({ kind: 'index', schema: v.schema, name: i.name }, i.comment);
  }
  return out;
}
