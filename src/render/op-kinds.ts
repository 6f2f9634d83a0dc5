import type { DefinedObject } from '../catalog/catalog.js';
import { keyOf, qualifiedName } from '../catalog/qualified-name.js';
import {
  alterTable,
  renderAlterColumn,
  renderAlterSequence,
  renderColumn,
  renderComment,
  renderCreateEnum,
  renderCreateSequence,
  renderCreateTable,
  renderCreateView,
  quoteKey,
  renderDropView,
  renderEnumSwap,
  statement,
} from './render-op.js';
import { renderOnline } from './render-online.js';
import { renderContract, renderExpand } from './render-expand.js';
import { renderRemake } from './render-remake.js';
import type { RenderOptions, Statement } from './statement.js';
import { quoteIdent, quoteLiteral, quoteQualified } from '../sql/quote.js';
import { insertValue } from '../ops/enum-values.js';
import { objectKind } from '../objects/object-kinds.js';
import type { EnumUsage, Op, OpKind, TableRef } from '../ops/op.js';

type OpOf<K extends OpKind> = Extract<Op, { kind: K }>;

/**
 * Everything about one kind of op in one place: the op that undoes it (every op carries the full
 * "before" and "after", so the inverse needs no catalog), the line that says what it does, and
 * its SQL (identifiers always quoted; types, defaults and definitions PostgreSQL's own text).
 */
interface OpKindSpec<K extends OpKind> {
  inverse(op: OpOf<K>): Op;
  describe(op: OpOf<K>): string;
  render(op: OpOf<K>): Statement[];
}

const q = (...parts: string[]) => parts.join('.');
const swapDefaults = (u: EnumUsage): EnumUsage => ({ ...u, default: { from: u.default.to, to: u.default.from } });

/** Every op kind; the compiler checks that none is missing. */
const OP_KINDS: { [K in OpKind]: OpKindSpec<K> } = {
  createSchema: {
    inverse: (op) => ({ kind: 'dropSchema', schema: op.schema }),
    describe: (op) => `create schema ${op.schema}`,
    render: (op) => [statement(`CREATE SCHEMA ${quoteIdent(op.schema)}`)],
  },
  dropSchema: {
    inverse: (op) => ({ kind: 'createSchema', schema: op.schema }),
    describe: (op) => `drop schema ${op.schema}`,
    render: (op) => [statement(`DROP SCHEMA ${quoteIdent(op.schema)}`)],
  },
  createEnum: {
    inverse: (op) => ({ kind: 'dropEnum', type: op.type }),
    describe: (op) => `create enum ${keyOf(op.type)}`,
    render: (op) => [renderCreateEnum(op.type)],
  },
  dropEnum: {
    inverse: (op) => ({ kind: 'createEnum', type: op.type }),
    describe: (op) => `drop enum ${keyOf(op.type)}`,
    render: (op) => [statement(`DROP TYPE ${quoteQualified(op.type.schema, op.type.name)}`)],
  },
  addEnumValue: {
    // PostgreSQL cannot drop an enum value: the way back is a type swap without it.
    inverse: (op) => ({
      kind: 'replaceEnum',
      from: { ...op.type, values: insertValue(op.type.values, op.value, op.before) },
      to: op.type,
      usages: op.usages.map(swapDefaults),
      castingParts: op.castingParts,
    }),
    describe: (op) => `add value '${op.value}' to enum ${keyOf(op.type)}`,
    render: (op) => [
      statement(
        `ALTER TYPE ${quoteQualified(op.type.schema, op.type.name)} ADD VALUE ${quoteLiteral(op.value)}${
          op.before === null ? '' : ` BEFORE ${quoteLiteral(op.before)}`
        }`,
      ),
    ],
  },
  replaceEnum: {
    inverse: (op) => ({
      kind: 'replaceEnum',
      from: op.to,
      to: op.from,
      usages: op.usages.map(swapDefaults),
      castingParts: op.castingParts,
    }),
    describe: (op) => `change the values of enum ${keyOf(op.to)} to (${op.to.values.join(', ')})`,
    render: (op) => renderEnumSwap(op.from, op.to, op.usages, op.castingParts ?? []),
  },
  createSequence: {
    inverse: (op) => ({ kind: 'dropSequence', sequence: op.sequence }),
    describe: (op) => `create sequence ${keyOf(op.sequence)}`,
    render: (op) => [renderCreateSequence(op.sequence)],
  },
  dropSequence: {
    inverse: (op) => ({ kind: 'createSequence', sequence: op.sequence }),
    describe: (op) => `drop sequence ${keyOf(op.sequence)}`,
    render: (op) => [statement(`DROP SEQUENCE ${quoteQualified(op.sequence.schema, op.sequence.name)}`)],
  },
  alterSequence: {
    inverse: (op) => ({ kind: 'alterSequence', from: op.to, to: op.from }),
    describe: (op) => `alter sequence ${keyOf(op.to)}`,
    render: (op) => renderAlterSequence(op.from, op.to),
  },
  createTable: {
    inverse: (op) => ({ kind: 'dropTable', table: op.table }),
    describe: (op) => `create table ${keyOf(op.table)}`,
    render: (op) => renderCreateTable(op.table),
  },
  dropTable: {
    inverse: (op) => ({ kind: 'createTable', table: op.table }),
    describe: (op) => `drop table ${keyOf(op.table)}`,
    render: (op) => [statement(`DROP TABLE ${quoteQualified(op.table.schema, op.table.name)}`)],
  },
  renameTable: {
    inverse: (op) => ({ kind: 'renameTable', schema: op.schema, from: op.to, to: op.from }),
    describe: (op) => `rename table ${q(op.schema, op.from)} to ${op.to}`,
    render: (op) => [alterTable(op.schema, op.from, `RENAME TO ${quoteIdent(op.to)}`)],
  },
  addColumn: {
    inverse: (op) => ({ kind: 'dropColumn', schema: op.schema, table: op.table, column: op.column }),
    describe: (op) => `add column ${qualifiedName(op.schema, op.table, op.column.name)}`,
    render: (op) => [alterTable(op.schema, op.table, `ADD COLUMN ${renderColumn(op.column)}`)],
  },
  dropColumn: {
    inverse: (op) => ({ kind: 'addColumn', schema: op.schema, table: op.table, column: op.column }),
    describe: (op) => `drop column ${qualifiedName(op.schema, op.table, op.column.name)}`,
    // An inherited column may be gone already: its parent dropped it (and it was not also the table's own).
    render: (op) => [
      alterTable(
        op.schema,
        op.table,
        `DROP COLUMN ${op.column.inherited ? 'IF EXISTS ' : ''}${quoteIdent(op.column.name)}`,
      ),
    ],
  },
  remakeTable: {
    // Both directions can go online or neither: nothing names the table in either catalog.
    inverse: (op) => ({ kind: 'remakeTable', from: op.to, to: op.from, ...(op.online ? { online: op.online } : {}) }),
    describe: (op) =>
      `make ${keyOf(op.to.table)} again ${op.to.table.partitionBy ? `partitioned by ${op.to.table.partitionBy}` : 'not partitioned'}, its rows copied`,
    render: (op) => renderRemake(op.from, op.to),
  },
  expandColumn: {
    inverse: (op) => ({ kind: 'expandColumn', move: op.move, ...(op.undo ? {} : { undo: true }) }),
    describe: (op) =>
      `${op.undo ? 'undo the expand of' : 'expand'} ${qualifiedName(op.move.schema, op.move.table, op.move.from.name)}: ${op.move.during} ${op.move.to.type} beside it, kept in step by a trigger`,
    render: (op) => renderExpand(op.move, op.undo === true),
  },
  contractColumn: {
    inverse: (op) => ({ kind: 'contractColumn', move: op.move, ...(op.undo ? {} : { undo: true }) }),
    describe: (op) =>
      `${op.undo ? 'undo the contract of' : 'contract'} ${qualifiedName(op.move.schema, op.move.table, op.move.from.name)}: ${op.undo ? 'it comes back beside' : 'it goes, leaving'} ${op.move.to.name} ${op.move.to.type}`,
    render: (op) => renderContract(op.move, op.undo === true),
  },
  renameColumn: {
    inverse: (op) => ({ kind: 'renameColumn', schema: op.schema, table: op.table, from: op.to, to: op.from }),
    describe: (op) => `rename column ${qualifiedName(op.schema, op.table, op.from)} to ${op.to}`,
    render: (op) => [alterTable(op.schema, op.table, `RENAME COLUMN ${quoteIdent(op.from)} TO ${quoteIdent(op.to)}`)],
  },
  alterColumn: {
    inverse: (op) => ({ kind: 'alterColumn', schema: op.schema, table: op.table, from: op.to, to: op.from }),
    describe: (op) => `alter column ${qualifiedName(op.schema, op.table, op.to.name)}`,
    render: (op) => renderAlterColumn(op.schema, op.table, op.from, op.to),
  },
  inheritTable: {
    inverse: (op) => ({
      kind: 'disinheritTable',
      schema: op.schema,
      table: op.table,
      parent: op.parent,
      checks: op.checks,
    }),
    describe: (op) => `make ${q(op.schema, op.table)} inherit from ${op.parent}`,
    // PostgreSQL wants the parent's CHECK constraints on the table first (INHERIT then ties them).
    render: (op) => [
      ...op.checks.map((k) => alterTable(op.schema, op.table, `ADD CONSTRAINT ${quoteIdent(k.name)} ${k.definition}`)),
      alterTable(op.schema, op.table, `INHERIT ${quoteKey(op.parent)}`),
    ],
  },
  disinheritTable: {
    inverse: (op) => ({
      kind: 'inheritTable',
      schema: op.schema,
      table: op.table,
      parent: op.parent,
      checks: op.checks,
    }),
    describe: (op) => `make ${q(op.schema, op.table)} stop inheriting from ${op.parent}`,
    // What it inherited stays as its own: the parent's CHECK constraints go, its columns stay.
    render: (op) => [
      alterTable(op.schema, op.table, `NO INHERIT ${quoteKey(op.parent)}`),
      ...op.checks.map((k) => alterTable(op.schema, op.table, `DROP CONSTRAINT ${quoteIdent(k.name)}`)),
    ],
  },
  addConstraint: {
    inverse: (op) => ({ kind: 'dropConstraint', ...tableRef(op), constraint: op.constraint }),
    describe: (op) =>
      `add ${op.constraint.kind === 'foreign' ? 'foreign key' : 'constraint'} ${op.constraint.name} on ${q(op.schema, op.table)}`,
    render: (op) => [
      alterTable(op.schema, op.table, `ADD CONSTRAINT ${quoteIdent(op.constraint.name)} ${op.constraint.definition}`),
    ],
  },
  dropConstraint: {
    inverse: (op) => ({
      kind: 'addConstraint',
      ...tableRef(op),
      constraint: op.constraint,
      fresh: op.fresh,
    }),
    describe: (op) =>
      `drop ${op.constraint.kind === 'foreign' ? 'foreign key' : 'constraint'} ${op.constraint.name} on ${q(op.schema, op.table)}`,
    render: (op) => [
      alterTable(
        op.schema,
        op.table,
        `DROP CONSTRAINT ${op.constraint.inherited ? 'IF EXISTS ' : ''}${quoteIdent(op.constraint.name)}`,
      ),
    ],
  },
  createIndex: {
    inverse: (op) => ({ kind: 'dropIndex', ...tableRef(op), index: op.index, fresh: op.fresh }),
    describe: (op) => `create index ${q(op.schema, op.index.name)}`,
    // A view's index carries its comment (it goes and comes with the view); a table's does not.
    render: (op) => [
      statement(op.index.definition),
      ...(op.index.comment === null
        ? []
        : [renderComment({ kind: 'index', schema: op.schema, name: op.index.name }, op.index.comment)]),
    ],
  },
  dropIndex: {
    inverse: (op) => ({ kind: 'createIndex', ...tableRef(op), index: op.index, fresh: op.fresh }),
    describe: (op) => `drop index ${q(op.schema, op.index.name)}`,
    render: (op) => [statement(`DROP INDEX ${quoteQualified(op.schema, op.index.name)}`)],
  },
  createView: {
    inverse: (op) => ({ kind: 'dropView', view: op.view }),
    describe: (op) => `create ${op.view.materialized ? 'materialized view' : 'view'} ${keyOf(op.view)}`,
    render: (op) => renderCreateView(op.view),
  },
  dropView: {
    inverse: (op) => ({ kind: 'createView', view: op.view }),
    describe: (op) => `drop ${op.view.materialized ? 'materialized view' : 'view'} ${keyOf(op.view)}`,
    render: (op) => [renderDropView(op.view)],
  },
  setComment: {
    inverse: (op) => ({ kind: 'setComment', target: op.target, from: op.to, to: op.from }),
    describe: (op) =>
      `${op.to === null ? 'remove' : 'set'} the comment on ${op.target.kind} ${
        'column' in op.target
          ? qualifiedName(op.target.schema, op.target.table, op.target.column)
          : q(op.target.schema, op.target.name)
      }`,
    render: (op) => [renderComment(op.target, op.to)],
  },
  createObject: {
    inverse: (op) => ({ kind: 'dropObject', object: op.object }),
    describe: (op) => `create ${op.object.kind} ${op.object.name}`,
    render: (op) => op.object.create.map(statement),
  },
  dropObject: {
    inverse: (op) => ({ kind: 'createObject', object: op.object }),
    describe: (op) => `drop ${op.object.kind} ${op.object.name}`,
    render: (op) => [statement(op.object.drop)],
  },
  replaceObject: {
    inverse: (op) => ({ kind: 'replaceObject', from: op.to, to: op.from }),
    describe: (op) => `change ${op.to.kind} ${op.to.name}`,
    render: (op) => [...op.to.create, ...clearedComments(op.from, op.to)].map(statement),
  },
  attachPartition: {
    inverse: (op) => ({ ...op, kind: 'detachPartition' }),
    describe: (op) => `attach ${op.partition} to ${op.parent} as a partition (${op.bound})`,
    render: (op) => [statement(`ALTER TABLE ${op.parent} ATTACH PARTITION ${op.partition} ${op.bound}`)],
  },
  detachPartition: {
    inverse: (op) => ({ ...op, kind: 'attachPartition' }),
    describe: (op) => `detach partition ${op.partition} from ${op.parent}, a table of its own`,
    render: (op) => [statement(`ALTER TABLE ${op.parent} DETACH PARTITION ${op.partition}`)],
  },
  alterObject: {
    inverse: (op) => ({ kind: 'alterObject', from: op.to, to: op.from }),
    describe: (op) => `change ${op.to.kind} ${op.to.name} in place`,
    render: (op) => objectKind(op.to.kind).alter!(op.from, op.to).map(statement),
  },
};

/** The entry of an op's own kind (TypeScript cannot relate `op.kind` to the table's entry by itself). */
type AnyOpKindSpec = { inverse(op: Op): Op; describe(op: Op): string; render(op: Op): Statement[] };
const specOf = (op: Op): AnyOpKindSpec => OP_KINDS[op.kind] as unknown as AnyOpKindSpec;

/**
 * The op that undoes `op`: how a down migration is made without a second diff.
 *
 * @example inverse({ kind: 'dropColumn', schema: 'public', table: 'grid', column }) // an addColumn of the same column
 */
export function inverse(op: Op): Op {
  return specOf(op).inverse(op);
}

/** The ops of the down migration: each up op inverted, in reverse order. */
export function invertAll(ops: readonly Op[]): Op[] {
  return [...ops].reverse().map(inverse);
}

/** One line saying what an op does, for reports and prompts ("drop column public.grid.name"). */
export function describeOp(op: Op): string {
  return specOf(op).describe(op);
}

/** The SQL statements of one op: its online form when asked for and it has one, else its plain form. */
export function renderOp(op: Op, options: RenderOptions = {}): Statement[] {
  const online = options.online ? renderOnline(op) : undefined;
  return online ?? specOf(op).render(op);
}

/**
 * A comment that an object set in place had and no longer has: CREATE OR REPLACE keeps a comment,
 * so it is cleared (`COMMENT ON ... IS NULL`).
 */
function clearedComments(from: DefinedObject, to: DefinedObject): string[] {
  const on = (sql: string) => /^COMMENT ON (.+?) IS /s.exec(sql)?.[1];
  const kept = new Set(to.create.map(on).filter((t) => t !== undefined));
  return from.create.flatMap((sql) => {
    const target = on(sql);
    return target !== undefined && !kept.has(target) ? [`COMMENT ON ${target} IS NULL`] : [];
  });
}

/** The table an op is on, as its inverse carries it (whether it is partitioned included). */
function tableRef(op: TableRef): TableRef {
  return { schema: op.schema, table: op.table, ...(op.partitioned ? { partitioned: op.partitioned } : {}) };
}
