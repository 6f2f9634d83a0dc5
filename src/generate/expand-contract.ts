// Expand and contract, planned from the model: a column renamed (or given a type whose change
// rewrites the table) becomes two migrations. The expand adds the new column beside the old, with
// a trigger that keeps them equal, a batched backfill and the new column's indexes and
// constraints, built online; the contract, run once no old version of the application runs,
// drops the trigger and the old column. Both are ordinary ops, so their downs are their inverses.
import type { Catalog, Column, Table } from '../catalog/catalog.js';
import { introspect, type IntrospectOptions } from '../catalog/introspect.js';
import { qualifiedName } from '../catalog/qualified-name.js';
import type { DbSession } from '../db/session.js';
import { inRolledBackTransaction } from '../db/transaction.js';
import { SmartemDbError } from '../errors.js';
import { castExpression, typeChangeHazards } from '../hazards/type-change.js';
import type { ColumnMove, Op } from '../ops/op.js';
import { describeOp } from '../render/op-kinds.js';
import { temporaryName } from '../render/temporary-name.js';
import { quoteIdent } from '../sql/quote.js';
import { acknowledged, type Hints } from './hints.js';
import { tableSizes } from '../catalog/table-sizes.js';
import { DEFAULT_SMALL_TABLE_ROWS } from '../lint/lint-migrations.js';
import { diffInSteps, runOps } from './staged-diff.js';

interface ExpandContractInput {
  /** The scratch database at the folder's state (the replay). */
  replay: () => Promise<DbSession>;
  have: Catalog;
  want: Catalog;
  /** The plan in one migration, renames applied (diffInSteps). */
  ops: Op[];
  hints: Hints;
  allowDataLoss: boolean;
  exclude: IntrospectOptions;
}

export interface ExpandContractPlan {
  expand: Op[];
  contract: Op[];
}

const refuse = (what: string, why: string) =>
  new SmartemDbError(
    'UNSUPPORTED_CHANGE',
    `Expand and contract cannot move ${what}: ${why}. Generate without --expand-contract (the change then ` +
      'breaks the running version of the application), or write the migrations by hand.',
  );

/**
 * The plan split into an expand and a contract, or null when nothing in it needs one (no column
 * of an existing table is renamed or changes type in a way that rewrites or can lose data).
 *
 * @example const plan = await planExpandContract({ replay, have, want, ops, hints, allowDataLoss: false, exclude });
 */
export async function planExpandContract(input: ExpandContractInput): Promise<ExpandContractPlan | null> {
  const { have, want, ops, hints } = input;
  const moves = movesOf(ops, have, want, hints);
  if (moves.length === 0) return null;
  for (const move of moves) refuseUnmovable(move, have, hints, input.allowDataLoss);

  // The model with each column that changes type under its temporary name: PostgreSQL renames it
  // in every index and constraint, so the diff from the folder's state adds the new column with
  // them and drops the old one with its own.
  const retyped = moves.filter((m) => m.during !== m.to.name);
  const session = retyped.length ? await input.replay() : undefined;
  const wantDuring = session
    ? await inRolledBackTransaction(session, async () => {
        await runOps(session, ops);
        for (const m of retyped) {
          await session.exec(
            `ALTER TABLE ${quoteIdent(m.schema)}.${quoteIdent(m.table)} RENAME COLUMN ${quoteIdent(m.to.name)} TO ${quoteIdent(m.during)}`,
          );
        }
        return introspect(session, input.exclude);
      })
    : want;
  const moved = (c: { schema: string; table: string; from: string; to: string }) =>
    moves.some((m) => m.schema === c.schema && m.table === c.table && m.from.name === c.from && m.to.name === c.to);
  const unmoved = { ...hints, columns: hints.columns.filter((c) => !moved(c)) };
  const split = await diffInSteps(input.replay, have, wantDuring, unmoved, input.exclude);
  return splitOps(split, ops, moves);
}

/**
 * With a live database at hand and no word either way: the tables over the small-table threshold
 * whose columns the plan would move (renamed, or retyped other than in place), where expand and
 * contract is the default.
 */
export async function movesBigTables(live: DbSession, ops: readonly Op[], journalSchema: string): Promise<string[]> {
  const touched = new Set(
    ops.flatMap((op) =>
      op.kind === 'renameColumn' || (op.kind === 'alterColumn' && needsRewriteOrMayLose(op))
        ? [`${op.schema}.${op.table}`]
        : [],
    ),
  );
  if (touched.size === 0) return [];
  const { sizes } = await tableSizes(live, [journalSchema]);
  return sizes
    .filter((t) => touched.has(`${t.schema}.${t.name}`) && t.rows > DEFAULT_SMALL_TABLE_ROWS)
    .map((t) => `${qualifiedName(t.schema, t.name)} (about ${t.rows.toLocaleString('en')} rows)`);
}

/** A type change PostgreSQL cannot make in place: it rewrites the table or may lose data (varchar(20) to text needs no move). */
function needsRewriteOrMayLose(op: Extract<Op, { kind: 'alterColumn' }>): boolean {
  return op.from.type !== op.to.type && typeChangeHazards(op.to.name, op.from, op.to).length > 0;
}

/** The columns to move: renames asked for, and type changes that rewrite or may lose data, of tables that exist. */
function movesOf(ops: readonly Op[], have: Catalog, want: Catalog, hints: Hints): ColumnMove[] {
  const tableOf = (catalog: Catalog, schema: string, name: string) =>
    catalog.tables.find((t) => t.schema === schema && t.name === name);
  const moves: ColumnMove[] = [];
  const add = (schema: string, table: string, fromName: string, toName: string, during: string) => {
    const before = tableOf(have, schema, table);
    const after = tableOf(want, schema, table);
    const from = before?.columns.find((c) => c.name === fromName);
    const to = after?.columns.find((c) => c.name === toName);
    if (!before || !from || !to) {
      throw refuse(
        qualifiedName(schema, table, fromName),
        !before
          ? 'the table is renamed in the same migration (rename it in one of its own first)'
          : !from
            ? 'the migrations make no such column'
            : `the model has no column ${toName} in ${qualifiedName(schema, table)}`,
      );
    }
    const conversion = hints.conversions.find((c) => c.schema === schema && c.table === table && c.column === toName);
    const same = from.type === to.type;
    moves.push({
      schema,
      table,
      from,
      to,
      during,
      up: conversion?.up ?? (same ? quoteIdent(from.name) : castExpression(quoteIdent(from.name), from.type, to.type)),
      down: conversion?.down ?? (same ? quoteIdent(to.name) : castExpression(quoteIdent(to.name), to.type, from.type)),
      renames: [],
    });
  };
  for (const op of ops) {
    if (op.kind === 'renameColumn') add(op.schema, op.table, op.from, op.to, op.to);
  }
  for (const op of ops) {
    if (op.kind !== 'alterColumn' || op.from.type === op.to.type) continue;
    if (moves.some((m) => m.schema === op.schema && m.table === op.table && m.to.name === op.to.name)) continue;
    if (!tableOf(have, op.schema, op.table)) continue;
    if (!needsRewriteOrMayLose(op)) continue;
    const taken = new Set(tableOf(have, op.schema, op.table)!.columns.map((c) => c.name));
    const during = temporaryName(op.to.name, '_smartem_new');
    if (taken.has(during))
      throw refuse(qualifiedName(op.schema, op.table, op.to.name), `its temporary name ${during} is taken`);
    add(op.schema, op.table, op.from.name, op.to.name, during);
  }
  return moves;
}

/** What expand and contract cannot carry: keys others depend on, generated and identity columns, partitions, lossy casts. */
function refuseUnmovable(move: ColumnMove, have: Catalog, hints: Hints, allowDataLoss: boolean): void {
  const name = qualifiedName(move.schema, move.table, move.from.name);
  const table = have.tables.find((t) => t.schema === move.schema && t.name === move.table) as Table;
  const isColumn = (c: Column) => c.identity !== null || c.generated !== null;
  if (isColumn(move.from) || isColumn(move.to)) throw refuse(name, 'it is an identity or generated column');
  if (table.partitionBy || table.inherits?.length) throw refuse(name, 'its table is partitioned or inherits');
  if (table.constraints.some((k) => k.kind === 'primary' && k.columns.includes(move.from.name)))
    throw refuse(name, 'it is in the primary key');
  const referencing = have.tables.flatMap((t) =>
    t.foreignKeys
      .filter(
        (k) =>
          k.references?.schema === move.schema &&
          k.references.table === move.table &&
          k.references.columns.includes(move.from.name),
      )
      .map((k) => `${k.name} on ${qualifiedName(t.schema, t.name)}`),
  );
  if (referencing.length) throw refuse(name, `foreign keys reference it (${referencing.join(', ')})`);
  const converted = hints.conversions.some(
    (c) => c.schema === move.schema && c.table === move.table && c.column === move.to.name,
  );
  if (converted || allowDataLoss) return;
  const lossy = [
    ...typeChangeHazards(move.to.name, move.from, move.to),
    ...typeChangeHazards(move.from.name, move.to, move.from),
  ].filter((h) => h.kind === 'data-loss');
  const object = qualifiedName(move.schema, move.table, move.to.name);
  if (lossy.length && !acknowledged(hints, object)) {
    throw new SmartemDbError(
      'DATA_LOSS_REFUSED',
      `Moving ${name} (${move.from.type}) to ${move.to.name} (${move.to.type}) converts values both ways while both columns ` +
        `exist, and a value that does not fit the other type makes the write that stores it fail: ${lossy.map((h) => h.message).join('; ')}. ` +
        `Acknowledge it with --allow-data-loss or a hint "${object}", or give the conversions in the hints file ` +
        `("conversions": { "${move.table}.${move.to.name}": { "up": "...", "down": "..." } }). Nothing was written.`,
    );
  }
}

/**
 * The diff to the model-with-temporary-names split in two: the moved columns' adds become
 * expands and their drops contracts; indexes and constraints of the moved tables are made in the
 * expand (under a temporary name when the old one still holds theirs, renamed by the contract)
 * and dropped in the contract; the rest of the plan goes with the expand. Anything else the
 * split needs (a view that reads a moved column, say) is refused by name.
 */
function splitOps(split: readonly Op[], plan: readonly Op[], moves: ColumnMove[]): ExpandContractPlan {
  const inPlan = new Set(plan.map((op) => JSON.stringify(op)));
  const onMoved = (op: Op) =>
    'schema' in op && 'table' in op && typeof op.table === 'string'
      ? moves.find((m) => m.schema === op.schema && m.table === op.table)
      : undefined;
  const dropped = new Set(
    split.flatMap((op) =>
      onMoved(op) && op.kind === 'dropIndex'
        ? [`${op.schema}.${op.index.name}`]
        : onMoved(op) && op.kind === 'dropConstraint'
          ? [`${op.schema}.${op.constraint.name}`]
          : [],
    ),
  );
  const expand: Op[] = [];
  const contract: Op[] = [];
  const moveOf = (op: Op, column: (m: ColumnMove) => string) =>
    (op.kind === 'addColumn' || op.kind === 'dropColumn') &&
    moves.find((m) => m.schema === op.schema && m.table === op.table && column(m) === op.column.name);
  for (const op of split) {
    const move = onMoved(op);
    const expanded = op.kind === 'addColumn' && moveOf(op, (m) => m.during);
    const contracted = op.kind === 'dropColumn' && moveOf(op, (m) => m.from.name);
    if (expanded) {
      expand.push({ kind: 'expandColumn', move: expanded });
    } else if (contracted) {
      contract.push({ kind: 'contractColumn', move: contracted });
    } else if (move && (op.kind === 'dropIndex' || op.kind === 'dropConstraint')) {
      contract.push(op);
    } else if (move && (op.kind === 'createIndex' || op.kind === 'addConstraint')) {
      expand.push(renamedIfTaken(op, move, dropped));
    } else if (inPlan.has(JSON.stringify(op)) || op.kind === 'alterSequence' || op.kind === 'setComment') {
      expand.push(op);
    } else {
      throw refuse(
        moves.map((m) => qualifiedName(m.schema, m.table, m.from.name)).join(', '),
        `it would also have to ${describeOp(op)}`,
      );
    }
  }
  const expandColumns = expand.filter((op) => op.kind === 'expandColumn');
  const missing = moves.filter(
    (m) =>
      !expandColumns.some((op) => op.move === m) ||
      !contract.some((op) => op.kind === 'contractColumn' && op.move === m),
  );
  if (missing.length) {
    const m = missing[0]!;
    throw refuse(qualifiedName(m.schema, m.table, m.from.name), 'the diff does not drop it and add the new one');
  }
  return { expand, contract };
}

/** A create on a moved table under a temporary name when the contract still has to drop the old one of that name. */
function renamedIfTaken(
  op: Extract<Op, { kind: 'createIndex' | 'addConstraint' }>,
  move: ColumnMove,
  dropped: Set<string>,
): Op {
  const name = op.kind === 'createIndex' ? op.index.name : op.constraint.name;
  if (!dropped.has(`${op.schema}.${name}`)) return op;
  const during = temporaryName(name, '_smartem_new');
  move.renames.push({ kind: op.kind === 'createIndex' ? 'index' : 'constraint', during, name });
  if (op.kind === 'addConstraint') return { ...op, constraint: { ...op.constraint, name: during } };
  const definition = op.index.definition.replace(
    /^CREATE (UNIQUE )?INDEX ("(?:[^"]|"")+"|\S+) ON /,
    `CREATE $1INDEX ${quoteIdent(during)} ON `,
  );
  return { ...op, index: { ...op.index, name: during, definition } };
}
