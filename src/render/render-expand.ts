import type { Column } from '../catalog/catalog.js';
import type { ColumnMove } from '../ops/op.js';
import { castExpression } from '../hazards/type-change.js';
import { quoteIdent, quoteQualified } from '../sql/quote.js';
import { notNullSteps } from './render-online.js';
import { backfill } from './batches.js';
import { renderColumn } from './render-op.js';
import { temporaryName } from './temporary-name.js';
import type { Statement } from './statement.js';

// Expand and contract (pgroll's way, from the model): between the two migrations the table has
// the old column and the new one, and a trigger keeps them equal whichever an application writes.
// The expand and the down of the contract fill a column in batches, so they run without a
// transaction; the contract and the down of the expand only change the catalog.

const step = (sql: string): Statement => ({ sql, hazards: [], transactional: false });
const quick = (sql: string): Statement => ({ sql, hazards: [] });

/** The trigger's name on the table, and its function's (in the table's schema). */
function syncNames(move: ColumnMove): { trigger: string; fn: string } {
  const trigger = temporaryName(`smartem_sync_${move.from.name}`, '');
  return { trigger, fn: temporaryName(`${move.table}_${move.from.name}`, '_smartem_sync') };
}

/**
 * The trigger that keeps the two columns equal. An insert that leaves the new column NULL comes
 * from an application that knows only the old one, so the new is worked out from the old;
 * otherwise the old is worked out from the new. An update that changes one changes the other (the
 * old wins if both change); an update that changes neither fills a row the backfill has not reached.
 */
function syncTrigger(move: ColumnMove, target: string): Statement[] {
  const { trigger, fn } = syncNames(move);
  const from = `NEW.${quoteIdent(move.from.name)}`;
  const during = `NEW.${quoteIdent(move.during)}`;
  const up = upFrom(move, from);
  const down = downFrom(move, during);
  const body = [
    'BEGIN',
    "  IF TG_OP = 'INSERT' THEN",
    `    IF ${during} IS NULL THEN ${during} := ${up}; ELSE ${from} := ${down}; END IF;`,
    `  ELSIF ${from} IS DISTINCT FROM OLD.${quoteIdent(move.from.name)} THEN`,
    `    ${during} := ${up};`,
    `  ELSIF ${during} IS DISTINCT FROM OLD.${quoteIdent(move.during)} THEN`,
    `    IF ${during} IS DISTINCT FROM ${up} THEN ${from} := ${down}; END IF;`,
    `  ELSIF ${during} IS NULL THEN`,
    `    ${during} := ${up};`,
    '  END IF;',
    '  RETURN NEW;',
    'END',
  ].join('\n');
  return [
    step(
      `CREATE FUNCTION ${quoteQualified(move.schema, fn)}() RETURNS trigger LANGUAGE plpgsql AS $smartem_sync$\n${body}\n$smartem_sync$`,
    ),
    step(
      `CREATE TRIGGER ${quoteIdent(trigger)} BEFORE INSERT OR UPDATE ON ${target} FOR EACH ROW EXECUTE FUNCTION ${quoteQualified(move.schema, fn)}()`,
    ),
  ];
}

function dropSyncTrigger(move: ColumnMove, target: string, make: (sql: string) => Statement): Statement[] {
  const { trigger, fn } = syncNames(move);
  return [
    make(`DROP TRIGGER ${quoteIdent(trigger)} ON ${target}`),
    make(`DROP FUNCTION ${quoteQualified(move.schema, fn)}()`),
  ];
}

/** ADD COLUMN without its default and NOT NULL: the trigger and the backfill fill it, then NOT NULL is proved. */
function addBare(target: string, name: string, column: Column): Statement {
  return step(`ALTER TABLE ${target} ADD COLUMN ${renderColumn({ ...column, name, notNull: false, default: null })}`);
}

/** The new value from the old column's value `source` (move.up reads the old column by its name). */
function upFrom(move: ColumnMove, source: string): string {
  if (move.up === quoteIdent(move.from.name)) return source;
  // A cast is applied to the value itself: PL/pgSQL evaluates it without running a query.
  if (move.up === castExpression(quoteIdent(move.from.name), move.from.type, move.to.type))
    return castExpression(source, move.from.type, move.to.type);
  return `(SELECT ${move.up} FROM (SELECT ${source} AS ${quoteIdent(move.from.name)}) AS smartem_row)`;
}

/** The old value from the new column's value `source` (move.down reads it by the model's name). */
function downFrom(move: ColumnMove, source: string): string {
  if (move.down === quoteIdent(move.to.name)) return source;
  if (move.down === castExpression(quoteIdent(move.to.name), move.to.type, move.from.type))
    return castExpression(source, move.to.type, move.from.type);
  return `(SELECT ${move.down} FROM (SELECT ${source} AS ${quoteIdent(move.to.name)}) AS smartem_row)`;
}

/** Fills `column` from `expression` where it is NULL and the expression is not, in batches. */
function fill(move: ColumnMove, target: string, column: string, expression: string): Statement {
  const name = quoteIdent(column);
  return step(
    backfill(
      target,
      name,
      expression,
      `${move.schema}.${move.table}.${column}`,
      `${name} IS NULL AND ${expression} IS NOT NULL`,
    ),
  );
}

/** The expand: the new column, the trigger, the backfill, NOT NULL; its undo drops what it made. */
export function renderExpand(move: ColumnMove, undo: boolean): Statement[] {
  const target = quoteQualified(move.schema, move.table);
  if (undo) {
    return [
      ...dropSyncTrigger(move, target, quick),
      quick(`ALTER TABLE ${target} DROP COLUMN ${quoteIdent(move.during)}`),
    ];
  }
  return [
    addBare(target, move.during, move.to),
    ...syncTrigger(move, target),
    fill(move, target, move.during, upFrom(move, quoteIdent(move.from.name))),
    ...(move.to.notNull ? notNullSteps(move.schema, move.table, move.during) : []),
  ];
}

/**
 * The contract: the trigger and the old column go, the new one takes its final name and default.
 * Its undo brings the old column back beside the new one, filled from it, with the trigger.
 */
export function renderContract(move: ColumnMove, undo: boolean): Statement[] {
  const target = quoteQualified(move.schema, move.table);
  const renamed = move.during !== move.to.name;
  const rename = (kind: 'index' | 'constraint', from: string, to: string) =>
    kind === 'index'
      ? `ALTER INDEX ${quoteQualified(move.schema, from)} RENAME TO ${quoteIdent(to)}`
      : `ALTER TABLE ${target} RENAME CONSTRAINT ${quoteIdent(from)} TO ${quoteIdent(to)}`;
  const column = (name: string) => `ALTER TABLE ${target} ALTER COLUMN ${quoteIdent(name)}`;
  if (!undo) {
    return [
      ...dropSyncTrigger(move, target, quick),
      quick(`ALTER TABLE ${target} DROP COLUMN ${quoteIdent(move.from.name)}`),
      ...(renamed
        ? [quick(`ALTER TABLE ${target} RENAME COLUMN ${quoteIdent(move.during)} TO ${quoteIdent(move.to.name)}`)]
        : []),
      ...move.renames.map((r) => quick(rename(r.kind, r.during, r.name))),
      ...(move.to.default === null ? [] : [quick(`${column(move.to.name)} SET DEFAULT ${move.to.default}`)]),
    ];
  }
  return [
    ...(move.to.default === null ? [] : [step(`${column(move.to.name)} DROP DEFAULT`)]),
    ...[...move.renames].reverse().map((r) => step(rename(r.kind, r.name, r.during))),
    ...(renamed
      ? [step(`ALTER TABLE ${target} RENAME COLUMN ${quoteIdent(move.to.name)} TO ${quoteIdent(move.during)}`)]
      : []),
    addBare(target, move.from.name, move.from),
    ...syncTrigger(move, target),
    fill(move, target, move.from.name, downFrom(move, quoteIdent(move.during))),
    ...(move.from.notNull ? notNullSteps(move.schema, move.table, move.from.name) : []),
    ...(move.from.default === null ? [] : [step(`${column(move.from.name)} SET DEFAULT ${move.from.default}`)]),
  ];
}
