import { readFileSync } from 'node:fs';
import { SmartemDbError } from '../errors.js';
import type { Op } from '../ops/op.js';
import { keyOf, qualifiedName } from '../catalog/qualified-name.js';
import { validated } from '../files/validate-input.js';

/** What the user says the differ cannot know: renames, and data loss that is intended. */
export interface Hints {
  tables: { schema: string; from: string; to: string }[];
  /** Column renames, on the table's new name when the table is renamed too. */
  columns: { schema: string; table: string; from: string; to: string }[];
  /** Objects whose data loss is acknowledged: `table`, `table.column`, `schema.table.column`, an enum. */
  allowDataLoss: string[];
  /**
   * How expand and contract works out a moved column's value both ways, where a cast will not do,
   * keyed by the new column (`table.column`, `schema.table.column`): `up` is SQL over the old column
   * (by its name), `down` SQL over the new one (by the model's name).
   */
  conversions: { schema: string; table: string; column: string; up: string; down: string }[];
}

export const noHints = (): Hints => ({ tables: [], columns: [], allowDataLoss: [], conversions: [] });

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

/**
 * A hints file for CI, where nobody answers a prompt:
 * `{ "renameTables": { "old": "new" }, "renameColumns": { "grid.name": "title" }, "allowDataLoss": ["grid.notes"] }`,
 * and for expand and contract `"conversions": { "grid.status": { "up": "status::text::grid_status", "down": "status::text" } }`.
 */
export async function readHintsFile(path: string): Promise<Hints> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new SmartemDbError('BAD_HINT', `Cannot read the hints file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const file = await validated(
    `The hints file ${path}`,
    raw,
    (z) =>
      z.strictObject({
        renameTables: z.record(z.string(), z.string()).optional(),
        renameColumns: z.record(z.string(), z.string()).optional(),
        allowDataLoss: z.array(z.string()).optional(),
        conversions: z
          .record(z.string(), z.strictObject({ up: z.string().min(1), down: z.string().min(1) }))
          .optional(),
      }),
    'BAD_HINT',
  );
  return {
    tables: Object.entries(file.renameTables ?? {}).map(([from, to]) => parseTableRename(`${from}=${to}`)),
    columns: Object.entries(file.renameColumns ?? {}).map(([from, to]) => parseColumnRename(`${from}=${to}`)),
    allowDataLoss: file.allowDataLoss ?? [],
    conversions: Object.entries(file.conversions ?? {}).map(([column, both]) => {
      const m = /^(?:([^.]+)\.)?([^.]+)\.([^.]+)$/.exec(column);
      if (!m)
        throw new SmartemDbError(
          'BAD_HINT',
          `The hints file ${path}: conversions."${column}" must be table.column (or schema.table.column).`,
        );
      return { schema: m[1] ?? 'public', table: m[2]!, column: m[3]!, ...both };
    }),
  };
}

export function mergeHints(...all: Hints[]): Hints {
  return {
    tables: all.flatMap((h) => h.tables),
    columns: all.flatMap((h) => h.columns),
    allowDataLoss: all.flatMap((h) => h.allowDataLoss),
    conversions: all.flatMap((h) => h.conversions),
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

/** The object a data-losing op loses data of, as `schema.table[.column]` or `schema.type`; null when it loses none. */
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
    case 'remakeTable':
      // Its rows are copied: data is lost only with a column the new table does not have.
      return op.from.table.columns.every(
        (c) => c.generated !== null || op.to.table.columns.some((t) => t.name === c.name),
      )
        ? null
        : keyOf(op.to.table);
    default:
      return null;
  }
}

/** Whether a hint acknowledges data loss on `object` (`public.` may be left out). */
export function acknowledged(hints: Hints, object: string): boolean {
  return hints.allowDataLoss.some((h) => h === object || `public.${h}` === object);
}
