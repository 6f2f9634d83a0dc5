import type { Catalog } from '../catalog/catalog.js';
import type { Op } from '../ops/op.js';
import { diffComments } from './comment-diff.js';
import { diffEnums } from './enum-diff.js';
import { Phase } from '../objects/phases.js';
import { orderOps, placed, type PlacedOp } from './phases.js';
import { diffNamespaces } from './namespace-diff.js';
import { diffSequences } from './sequence-diff.js';
import { diffTables } from './table-diff.js';
import { diffViews } from './view-diff.js';
import { diffObjects, remadeNamedObjects, same } from './object-diff.js';
import { refuseUnsupportedDifferences } from './unsupported-diff.js';
import { regexLiteral } from '../text/regex-literal.js';
import { keyOf, qualifiedName } from '../catalog/qualified-name.js';

/**
 * The ops that turn database `from` into database `to`, in an order PostgreSQL accepts. Pure:
 * catalogs in, ops out. Renames are not guessed here: a table or column that disappears while
 * another appears is a drop and an add (rename hints are applied to `from` before diffing).
 *
 * @example const up = diffCatalogs(current, desired); const down = invertAll(up);
 */
export function diffCatalogs(from: Catalog, to: Catalog): Op[] {
  refuseUnsupportedDifferences(from, to);
  const enums = diffEnums(from, to);
  const swaps = enums.flatMap(({ op }) => (op.kind === 'replaceEnum' ? [op] : []));
  // A type swap (or the one that undoes ADD VALUE in the down migration) converts columns in
  // place: views reading them are rebuilt around it.
  const converted = enums.flatMap(({ op }) =>
    op.kind === 'replaceEnum' || op.kind === 'addEnumValue' ? op.usages : [],
  );
  // Functions naming a swapped type are re-created around the swap; ADD VALUE is undone by one.
  const swappedTypes = new Set(
    enums.flatMap(({ op }) =>
      op.kind === 'replaceEnum' ? [keyOf(op.from)] : op.kind === 'addEnumValue' ? [keyOf(op.type)] : [],
    ),
  );
  // A generated column calling a function made again is made again around it (tables come
  // before what they reshape is known: the functions made again for their own sake).
  // A partition with new bounds is made again, its own keys with it: foreign keys to it step aside.
  const remadePartitions = new Set(
    from.objects.flatMap((a) => {
      const b = a.kind === 'partition' ? to.objects.find((o) => o.kind === a.kind && o.name === a.name) : undefined;
      return b && !same(a, b) ? [a.name] : [];
    }),
  );
  const tables = diffTables(
    from,
    to,
    callsAny(remadeNamedObjects(from, to, swappedTypes, new Set())),
    remadePartitions,
  );
  const reshaped = new Set([...tables.reshaped, ...converted.map((u) => qualifiedName(u.schema, u.table))]);
  const remade = remadeNamedObjects(from, to, swappedTypes, reshaped);
  const views = diffViews(from, to, reshaped, remade);
  const rebuiltViews = new Set(views.flatMap(({ op }) => (op.kind === 'dropView' ? [keyOf(op.view)] : [])));
  const recreatedViews = new Set(
    views.flatMap(({ op }) => (op.kind === 'dropView' || op.kind === 'createView' ? [keyOf(op.view)] : [])),
  );
  // A table made again owns its partitions; what else hangs on it is made again around it.
  const ownPartitions = (c: Catalog): Catalog =>
    tables.remade.size === 0
      ? c
      : {
          ...c,
          objects: c.objects.filter((o) => !(o.kind === 'partition' && o.on !== null && tables.remade.has(o.on))),
        };
  const placedOps = [
    ...diffNamespaces(from, to),
    ...enums,
    ...freeingSequenceNames([
      ...diffSequences(from, to),
      ...leavingSwappedEnumsFirst(defaultsAroundRemade(withoutSwappedDefaults(tables.ops, enums), from, remade), swaps),
    ]),
    ...views,
    ...diffObjects(
      ownPartitions(from),
      ownPartitions(to),
      new Set([...rebuiltViews, ...tables.remade]),
      reshaped,
      swappedTypes,
    ),
  ];
  return orderOps([...placedOps, ...diffComments(from, to, recreatedViews, placedOps)]);
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

/**
 * Whether an expression (as PostgreSQL prints it) calls one of the functions `names`
 * (`schema.name(arguments)`), by its name, qualified or not: a false match costs a step more.
 */
function callsAny(names: ReadonlySet<string>): (expression: string) => boolean {
  const calls = [...names].flatMap((name) => {
    const m = /^(.+?)\.([^.(]+)\(/.exec(name);
    if (!m) return [];
    return [new RegExp(`(?:^|[^\\w$."])(?:${regexLiteral(m[1]!)}\\.)?${regexLiteral(m[2]!)}\\(`)];
  });
  return (expression) => calls.some((c) => c.test(expression));
}

/**
 * A column default that calls a function which is dropped, or dropped and made again (a changed
 * result type), is dropped before it (PostgreSQL will not drop the function under the default)
 * and set after, with the column's own change if it has one.
 */
function defaultsAroundRemade(ops: PlacedOp[], from: Catalog, remade: ReadonlySet<string>): PlacedOp[] {
  if (remade.size === 0) return ops;
  const calls = callsAny(remade);
  const out = [...ops];
  for (const table of from.tables) {
    for (const column of table.columns) {
      if (column.default === null || column.generated || !calls(column.default)) continue;
      const ref = { schema: table.schema, table: table.name };
      const bare = { ...column, comment: null };
      const own = out.findIndex(
        ({ op }) =>
          op.kind === 'alterColumn' &&
          op.schema === ref.schema &&
          op.table === ref.table &&
          op.from.name === column.name,
      );
      const gone = ops.some(
        ({ op }) =>
          (op.kind === 'dropColumn' &&
            op.schema === ref.schema &&
            op.table === ref.table &&
            op.column.name === column.name) ||
          (op.kind === 'dropTable' && keyOf(op.table) === keyOf(table)),
      );
      if (gone) continue;
      out.push(
        placed(Phase.dropConstraint, { kind: 'alterColumn', ...ref, from: bare, to: { ...bare, default: null } }),
      );
      const change = own === -1 ? undefined : out[own]!;
      if (change && change.op.kind === 'alterColumn') {
        out[own] = { ...change, op: { ...change.op, from: { ...change.op.from, default: null } } };
      } else {
        out.push(
          placed(Phase.alterColumn, { kind: 'alterColumn', ...ref, from: { ...bare, default: null }, to: bare }),
        );
      }
    }
  }
  return out;
}

/**
 * A serial column becoming an identity whose sequence takes the serial's sequence name (or the
 * other way round): the column lets go of its default and identity first, then the old sequence
 * goes (or the new one comes), then the column takes the new one. Inverted, the same three steps
 * run backwards, so the down migration frees the name the same way.
 */
function freeingSequenceNames(ops: PlacedOp[]): PlacedOp[] {
  const dropped = new Set(ops.flatMap(({ op }) => (op.kind === 'dropSequence' ? [keyOf(op.sequence)] : [])));
  const created = new Set(ops.flatMap(({ op }) => (op.kind === 'createSequence' ? [keyOf(op.sequence)] : [])));
  const freed = new Set<string>();
  const out = ops.flatMap((placedOp): PlacedOp[] => {
    const { op } = placedOp;
    if (op.kind !== 'alterColumn') return [placedOp];
    const taken =
      op.to.identity && op.to.identity.sequence !== op.from.identity?.sequence ? op.to.identity.sequence : null;
    const given =
      op.from.identity && op.from.identity.sequence !== op.to.identity?.sequence ? op.from.identity.sequence : null;
    const takesDropped = taken !== null && dropped.has(qualifiedName(op.schema, taken));
    const givesCreated = given !== null && created.has(qualifiedName(op.schema, given));
    if (!takesDropped && !givesCreated) return [placedOp];
    if (takesDropped) freed.add(qualifiedName(op.schema, taken!));
    const between = { ...op.from, default: null, identity: null };
    return [
      { phase: Phase.freeSequenceName, op: { ...op, to: between } },
      { ...placedOp, op: { ...op, from: between } },
    ];
  });
  return out.map((p) =>
    p.op.kind === 'dropSequence' && freed.has(keyOf(p.op.sequence))
      ? { ...p, phase: Phase.freeSequenceName, rank: 1 }
      : p,
  );
}
