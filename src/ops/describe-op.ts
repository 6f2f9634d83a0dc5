import type { Op } from './op.js';

/** One line saying what an op does, for reports and prompts ("drop column public.grid.name"). */
export function describeOp(op: Op): string {
  const q = (...parts: string[]) => parts.join('.');
  switch (op.kind) {
    case 'createSchema':
    case 'dropSchema':
      return `${op.kind === 'createSchema' ? 'create' : 'drop'} schema ${op.schema}`;
    case 'createEnum':
    case 'dropEnum':
      return `${op.kind === 'createEnum' ? 'create' : 'drop'} enum ${q(op.type.schema, op.type.name)}`;
    case 'addEnumValue':
      return `add value '${op.value}' to enum ${q(op.type.schema, op.type.name)}`;
    case 'replaceEnum':
      return `change the values of enum ${q(op.to.schema, op.to.name)} to (${op.to.values.join(', ')})`;
    case 'createSequence':
    case 'dropSequence':
      return `${op.kind === 'createSequence' ? 'create' : 'drop'} sequence ${q(op.sequence.schema, op.sequence.name)}`;
    case 'alterSequence':
      return `alter sequence ${q(op.to.schema, op.to.name)}`;
    case 'createTable':
    case 'dropTable':
      return `${op.kind === 'createTable' ? 'create' : 'drop'} table ${q(op.table.schema, op.table.name)}`;
    case 'renameTable':
      return `rename table ${q(op.schema, op.from)} to ${op.to}`;
    case 'addColumn':
    case 'dropColumn':
      return `${op.kind === 'addColumn' ? 'add' : 'drop'} column ${q(op.schema, op.table, op.column.name)}`;
    case 'renameColumn':
      return `rename column ${q(op.schema, op.table, op.from)} to ${op.to}`;
    case 'alterColumn':
      return `alter column ${q(op.schema, op.table, op.to.name)}`;
    case 'addConstraint':
    case 'dropConstraint':
      return `${op.kind === 'addConstraint' ? 'add' : 'drop'} ${op.constraint.kind === 'foreign' ? 'foreign key' : 'constraint'} ${op.constraint.name} on ${q(op.schema, op.table)}`;
    case 'createIndex':
    case 'dropIndex':
      return `${op.kind === 'createIndex' ? 'create' : 'drop'} index ${q(op.schema, op.index.name)}`;
    case 'createView':
    case 'dropView':
      return `${op.kind === 'createView' ? 'create' : 'drop'} ${op.view.materialized ? 'materialized view' : 'view'} ${q(op.view.schema, op.view.name)}`;
    case 'setComment':
      return `${op.to === null ? 'remove' : 'set'} the comment on ${op.target.kind} ${'column' in op.target ? q(op.target.schema, op.target.table, op.target.column) : q(op.target.schema, op.target.name)}`;
    case 'createObject':
      return `create ${op.object.kind} ${op.object.name}`;
    case 'dropObject':
      return `drop ${op.object.kind} ${op.object.name}`;
    case 'replaceObject':
      return `change ${op.to.kind} ${op.to.name}`;
  }
}
