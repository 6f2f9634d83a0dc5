import type { EnumUsage, Op } from './op.js';

/**
 * The op that undoes `op`. Because every op carries the full "before" and "after" definitions,
 * the inverse needs no catalog: this is how a down migration is made without a second diff.
 *
 * @example inverse({ kind: 'dropColumn', schema: 'public', table: 'grid', column }) // an addColumn of the same column
 */
export function inverse(op: Op): Op {
  switch (op.kind) {
    case 'createSchema':
      return { kind: 'dropSchema', schema: op.schema };
    case 'dropSchema':
      return { kind: 'createSchema', schema: op.schema };
    case 'createEnum':
      return { kind: 'dropEnum', type: op.type };
    case 'dropEnum':
      return { kind: 'createEnum', type: op.type };
    case 'addEnumValue': {
      // PostgreSQL cannot drop an enum value: the way back is a type swap without it.
      const after = { ...op.type, values: insertValue(op.type.values, op.value, op.before) };
      return { kind: 'replaceEnum', from: after, to: op.type, usages: op.usages.map(swapDefaults) };
    }
    case 'replaceEnum':
      return { kind: 'replaceEnum', from: op.to, to: op.from, usages: op.usages.map(swapDefaults) };
    case 'createSequence':
      return { kind: 'dropSequence', sequence: op.sequence };
    case 'dropSequence':
      return { kind: 'createSequence', sequence: op.sequence };
    case 'alterSequence':
      return { kind: 'alterSequence', from: op.to, to: op.from };
    case 'createTable':
      return { kind: 'dropTable', table: op.table };
    case 'dropTable':
      return { kind: 'createTable', table: op.table };
    case 'renameTable':
      return { kind: 'renameTable', schema: op.schema, from: op.to, to: op.from };
    case 'addColumn':
      return { kind: 'dropColumn', schema: op.schema, table: op.table, column: op.column };
    case 'dropColumn':
      return { kind: 'addColumn', schema: op.schema, table: op.table, column: op.column };
    case 'renameColumn':
      return { kind: 'renameColumn', schema: op.schema, table: op.table, from: op.to, to: op.from };
    case 'alterColumn':
      return { kind: 'alterColumn', schema: op.schema, table: op.table, from: op.to, to: op.from };
    case 'addConstraint':
      return { kind: 'dropConstraint', schema: op.schema, table: op.table, constraint: op.constraint };
    case 'dropConstraint':
      return { kind: 'addConstraint', schema: op.schema, table: op.table, constraint: op.constraint, fresh: op.fresh };
    case 'createIndex':
      return { kind: 'dropIndex', schema: op.schema, table: op.table, index: op.index, fresh: op.fresh };
    case 'dropIndex':
      return { kind: 'createIndex', schema: op.schema, table: op.table, index: op.index, fresh: op.fresh };
    case 'createView':
      return { kind: 'dropView', view: op.view };
    case 'dropView':
      return { kind: 'createView', view: op.view };
    case 'setComment':
      return { kind: 'setComment', target: op.target, from: op.to, to: op.from };
    case 'createObject':
      return { kind: 'dropObject', object: op.object };
    case 'dropObject':
      return { kind: 'createObject', object: op.object };
    case 'replaceObject':
      return { kind: 'replaceObject', from: op.to, to: op.from };
  }
}

function swapDefaults(u: EnumUsage): EnumUsage {
  return { ...u, default: { from: u.default.to, to: u.default.from } };
}

/** The ops of the down migration: each up op inverted, in reverse order. */
export function invertAll(ops: readonly Op[]): Op[] {
  return [...ops].reverse().map(inverse);
}

export function insertValue(values: readonly string[], value: string, before: string | null): string[] {
  const at = before === null ? values.length : values.indexOf(before);
  return [...values.slice(0, at), value, ...values.slice(at)];
}
