import type { Catalog } from '../catalog/catalog.js';
import type { CommentTarget } from '../ops/op.js';
import { keyOf } from '../catalog/qualified-name.js';
import { Phase } from '../objects/phases.js';
import { placed, type PlacedOp } from './phases.js';

/**
 * Comments on every kind of object, compared in one place. A comment on an object that is
 * dropped is cleared first (so the down migration sets it again after re-creating the object);
 * new and changed comments are set once everything exists. An object that is dropped and made
 * again (a changed index or constraint, a re-created column: `ops`) loses its comment, so it is
 * cleared before and set after, as if it were two objects.
 */
export function diffComments(
  from: Catalog,
  to: Catalog,
  recreatedViews: ReadonlySet<string>,
  ops: readonly PlacedOp[],
): PlacedOp[] {
  const a = commentsOf(from, recreatedViews);
  const b = commentsOf(to, recreatedViews);
  const dropped = droppedTargets(ops);
  const out: PlacedOp[] = [];
  for (const [key, { target, comment }] of a) {
    if (!b.has(key) || dropped.has(key))
      out.push(placed(Phase.clearComment, { kind: 'setComment', target, from: comment, to: null }));
  }
  for (const [key, { target, comment }] of b) {
    const before = dropped.has(key) ? null : (a.get(key)?.comment ?? null);
    if (before !== comment)
      out.push(placed(Phase.setComment, { kind: 'setComment', target, from: before, to: comment }));
  }
  return out;
}

/** What the ops drop that can carry a comment, keyed as commentsOf keys them. */
function droppedTargets(ops: readonly PlacedOp[]): Set<string> {
  return new Set(
    ops
      .flatMap(({ op }): CommentTarget[] => {
        switch (op.kind) {
          case 'dropIndex':
            return [{ kind: 'index', schema: op.schema, name: op.index.name }];
          case 'dropConstraint':
            return [{ kind: 'constraint', schema: op.schema, table: op.table, name: op.constraint.name }];
          case 'dropColumn':
            return [{ kind: 'column', schema: op.schema, table: op.table, column: op.column.name }];
          case 'dropTable': {
            const { schema, name } = op.table;
            return [
              { kind: 'table', schema, name },
              ...op.table.columns.map((c): CommentTarget => ({ kind: 'column', schema, table: name, column: c.name })),
              ...op.table.constraints.map((k): CommentTarget => ({
                kind: 'constraint',
                schema,
                table: name,
                name: k.name,
              })),
            ];
          }
          default:
            return [];
        }
      })
      .map((target) => JSON.stringify(target)),
  );
}

/**
 * Every non-null comment, keyed by what it is on; but those of views created, dropped or
 * re-created (`recreatedViews`), which their view's ops carry.
 */
function commentsOf(
  catalog: Catalog,
  recreatedViews: ReadonlySet<string>,
): Map<string, { target: CommentTarget; comment: string }> {
  const out = new Map<string, { target: CommentTarget; comment: string }>();
  const add = (target: CommentTarget, comment: string | null) => {
    if (comment !== null) out.set(JSON.stringify(target), { target, comment });
  };
  for (const e of catalog.enums) add({ kind: 'type', schema: e.schema, name: e.name }, e.comment);
  for (const s of catalog.sequences) add({ kind: 'sequence', schema: s.schema, name: s.name }, s.comment);
  for (const t of catalog.tables) {
    add({ kind: 'table', schema: t.schema, name: t.name }, t.comment);
    for (const c of t.columns) add({ kind: 'column', schema: t.schema, table: t.name, column: c.name }, c.comment);
    for (const k of [...t.constraints, ...t.foreignKeys])
      add({ kind: 'constraint', schema: t.schema, table: t.name, name: k.name }, k.comment);
    for (const i of t.indexes) add({ kind: 'index', schema: t.schema, name: i.name }, i.comment);
  }
  for (const v of catalog.views) {
    if (recreatedViews.has(keyOf(v))) continue;
    add({ kind: v.materialized ? 'materialized view' : 'view', schema: v.schema, name: v.name }, v.comment);
    for (const c of v.columnComments)
      add({ kind: 'column', schema: v.schema, table: v.name, column: c.column }, c.comment);
    for (const i of v.indexes) add({ kind: 'index', schema: v.schema, name: i.name }, i.comment);
  }
  return out;
}
