import type { Catalog } from '../catalog/catalog.js';
import type { Op } from '../ops/op.js';
import { diffComments } from './comment-diff.js';
import { diffEnums } from './enum-diff.js';
import { orderOps, Phase, type PlacedOp } from './phases.js';
import { diffNamespaces } from './namespace-diff.js';
import { diffSequences } from './sequence-diff.js';
import { diffTables } from './table-diff.js';
import { diffViews } from './view-diff.js';
import { keyOf, qualifiedName } from '../catalog/qualified-name.js';

/**
 * The ops that turn database `from` into database `to`, in an order PostgreSQL accepts. Pure:
 * models in, ops out. Renames are not guessed here: a table or column that disappears while
 * another appears is a drop and an add (rename hints are applied to `from` before diffing).
 *
 * @example const up = diffModels(current, desired); const down = invertAll(up);
 */
export function diffModels(from: Catalog, to: Catalog): Op[] {
  const tables = diffTables(from, to);
  const enums = diffEnums(from, to);
  const swaps = enums.flatMap(({ op }) => (op.kind === 'replaceEnum' ? [op] : []));
  // A type swap (or the one that undoes ADD VALUE in the down migration) converts columns in
  // place: views reading them are rebuilt around it.
  const converted = enums.flatMap(({ op }) =>
    op.kind === 'replaceEnum' || op.kind === 'addEnumValue' ? op.usages : [],
  );
  const reshaped = new Set([...tables.reshaped, ...converted.map((u) => qualifiedName(u.schema, u.table))]);
  return orderOps([
    ...diffNamespaces(from, to),
    ...enums,
    ...diffSequences(from, to),
    ...leavingSwappedEnumsFirst(withoutSwappedDefaults(tables.ops, enums), swaps),
    ...diffViews(from, to, reshaped),
    ...diffComments(from, to),
  ]);
}

/**
 * A column that moves away from an enum being swapped is converted before the swap, which ends
 * by dropping the old type; in the down migration its inverse then runs after the swap back.
 */
function leavingSwappedEnumsFirst(ops: PlacedOp[], swaps: Extract<Op, { kind: 'replaceEnum' }>[]): PlacedOp[] {
  if (swaps.length === 0) return ops;
  const swapped = new Set(swaps.map((op) => keyOf(op.from)));
  return ops.map((placedOp) => {
    const { op } = placedOp;
    if (op.kind !== 'alterColumn') return placedOp;
    const fromType = keyOf(op.from.typeRef);
    const toType = keyOf(op.to.typeRef);
    return swapped.has(fromType) && fromType !== toType ? { ...placedOp, phase: Phase.leaveSwappedEnum } : placedOp;
  });
}

/**
 * A type swap sets the default of each column it converts (the default names the type), so the
 * column's own ALTER must not set it again: in the down migration it would run before the swap
 * and name a value the type does not have yet.
 */
function withoutSwappedDefaults(ops: PlacedOp[], enums: PlacedOp[]): PlacedOp[] {
  const swapped = new Set(
    enums.flatMap(({ op }) =>
      op.kind === 'replaceEnum' ? op.usages.map((u) => qualifiedName(u.schema, u.table, u.column)) : [],
    ),
  );
  if (swapped.size === 0) return ops;
  return ops.flatMap((placedOp) => {
    const { op } = placedOp;
    if (op.kind !== 'alterColumn' || !swapped.has(qualifiedName(op.schema, op.table, op.to.name))) return [placedOp];
    const from = { ...op.from, default: op.to.default };
    return JSON.stringify(from) === JSON.stringify(op.to) ? [] : [{ ...placedOp, op: { ...op, from } }];
  });
}
