import { readFileSync } from 'node:fs';
import { SmartemDbError } from '../errors.js';
import type { Op } from '../ops/op.js';
import { keyOf, qualifiedName } from '../catalog/qualified-name.js';

/** What the user says the differ cannot know: renames, and data loss that is intended. */
export interface Hints {
  tables: { schema: string; from: string; to: string }[];
  /** Column renames, on the table's new name when the table is renamed too. */
  columns: { schema: string; table: string; from: string; to: string }[];
  /** Objects whose data loss is acknowledged: `table`, `table.column`, `schema.table.column`, an enum. */
  allowDataLoss: string[];
}

export const noHints = (): Hints => ({ tables: [], columns: [], allowDataLoss: [] });

/**
 * `--rename grid.name=title` (a column; `schema.table.column=new` outside public) and
 * `--rename-table old=new` (`schema.old=new`).
 *
 * @example parseColumnRename('grid.name=title') // { schema: 'public', table: 'grid', from: 'name', to: 'title' }
 */
export function parseColumnRename(text: string): Hints['columns'][number] {
  const m = /^(?:([^.=]+)\.)?([^.=]+)\.([^.=]+)=([^.=]+)$/.exec(text.trim());
  if (!m)
    throw new SmartemDbError(
      'BAD_HINT',
      `--rename "${text}": expected table.old_column=new_column (or schema.table.old=new).`,
    );
  return { schema: m[1] ?? 'public', table: m[2]!, from: m[3]!, to: m[4]! };
}

export function parseTableRename(text: string): Hints['tables'][number] {
  const m = /^(?:([^.=]+)\.)?([^.=]+)=([^.=]+)$/.exec(text.trim());
  if (!m)
    throw new SmartemDbError('BAD_HINT', `--rename-table "${text}": expected old_table=new_table (or schema.old=new).`);
  return { schema: m[1] ?? 'public', from: m[2]!, to: m[3]! };
}

/** The hints file's problems, each as `path: message` (an empty list: it is valid). */
function hintsFileProblems(raw: unknown): string[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return ['(top): expected an object'];
  const problems: string[] = [];
  const known = ['renameTables', 'renameColumns', 'allowDataLoss'];
  for (const key of Object.keys(raw)) if (!known.includes(key)) problems.push(`(top): unrecognized key "${key}"`);
  const record = raw as Record<string, unknown>;
  for (const key of ['renameTables', 'renameColumns']) {
    const value = record[key];
    if (value === undefined) continue;
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      problems.push(`${key}: expected an object of old name to new name`);
    else
      for (const [from, to] of Object.entries(value))
        if (typeof to !== 'string') problems.push(`${key}.${from}: expected a string`);
  }
  const loss = record.allowDataLoss;
  if (loss !== undefined) {
    if (!Array.isArray(loss)) problems.push('allowDataLoss: expected an array of object names');
    else loss.forEach((v, i) => typeof v !== 'string' && problems.push(`allowDataLoss.${i}: expected a string`));
  }
  return problems;
}

/**
 * A hints file for CI, where nobody answers a prompt:
 * `{ "renameTables": { "old": "new" }, "renameColumns": { "grid.name": "title" }, "allowDataLoss": ["grid.notes"] }`.
 */
export function readHintsFile(path: string): Hints {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new SmartemDbError('BAD_HINT', `Cannot read the hints file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const problems = hintsFileProblems(raw);
  if (problems.length)
    throw new SmartemDbError('BAD_HINT', `The hints file ${path} is not valid: ${problems.join('; ')}`);
  const file = raw as {
    renameTables?: Record<string, string>;
    renameColumns?: Record<string, string>;
    allowDataLoss?: string[];
  };
  return {
    tables: Object.entries(file.renameTables ?? {}).map(([from, to]) => parseTableRename(`${from}=${to}`)),
    columns: Object.entries(file.renameColumns ?? {}).map(([from, to]) => parseColumnRename(`${from}=${to}`)),
    allowDataLoss: file.allowDataLoss ?? [],
  };
}

export function mergeHints(...all: Hints[]): Hints {
  return {
    tables: all.flatMap((h) => h.tables),
    columns: all.flatMap((h) => h.columns),
    allowDataLoss: all.flatMap((h) => h.allowDataLoss),
  };
}

/** The rename ops the hints ask for: tables first, then columns (on the new table names). */
export function renameOps(hints: Hints): Op[] {
  return [
    ...hints.tables.map((t): Op => ({ kind: 'renameTable', schema: t.schema, from: t.from, to: t.to })),
    ...hints.columns.map((c): Op => ({
      kind: 'renameColumn',
      schema: c.schema,
      table: c.table,
      from: c.from,
      to: c.to,
    })),
  ];
}

/** The object a data-losing op loses data of, as `schema.table[.column]` or `schema.type`. */
export function dataLossObject(op: Op): string | null {
  switch (op.kind) {
    case 'dropTable':
      return keyOf(op.table);
    case 'dropColumn':
      return qualifiedName(op.schema, op.table, op.column.name);
    case 'alterColumn':
      return qualifiedName(op.schema, op.table, op.to.name);
    case 'replaceEnum':
      return keyOf(op.to);
    case 'alterObject':
      // A composite type's attributes, dropped under the columns that keep it.
      return op.to.name;
    default:
      return null;
  }
}

/** Whether a hint acknowledges data loss on `object` (`public.` may be left out). */
export function acknowledged(hints: Hints, object: string): boolean {
  return hints.allowDataLoss.some((h) => h === object || `public.${h}` === object);
}
