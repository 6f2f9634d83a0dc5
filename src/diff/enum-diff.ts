import type { EnumType, Catalog, Table } from '../catalog/catalog.js';
import type { CastingPart, EnumUsage } from '../ops/op.js';
import { byKey, compareKeyed } from './keyed.js';
import { keyOf } from '../catalog/qualified-name.js';
import { insertValue } from '../ops/enum-values.js';
import { stayingParents } from './inheritance.js';
import { regexLiteral } from '../text/regex-literal.js';
import { Phase } from '../objects/phases.js';
import { placed, type PlacedOp } from './phases.js';

/**
 * Enum types: values appended or inserted become ALTER TYPE ... ADD VALUE (cheap, in place);
 * a removed or reordered value needs a type swap that converts every column using the type.
 */
export function diffEnums(from: Catalog, to: Catalog): PlacedOp[] {
  const out: PlacedOp[] = [];
  const { added, removed, both } = compareKeyed(from.enums, to.enums, keyOf);
  for (const type of added) out.push(placed(Phase.enumChange, { kind: 'createEnum', type }));
  for (const type of removed) out.push(placed(Phase.dropEnum, { kind: 'dropEnum', type }));
  for (const [a, b] of both) {
    if (a.values.join('\u0000') === b.values.join('\u0000')) continue;
    const kept = b.values.filter((v) => a.values.includes(v));
    if (kept.length === a.values.length && kept.join('\u0000') === a.values.join('\u0000')) {
      // Only additions, existing values in the same order: add each at its place.
      let current = a;
      for (const [i, value] of b.values.entries()) {
        if (current.values.includes(value)) continue;
        const before = b.values.slice(i + 1).find((v) => current.values.includes(v)) ?? null;
        out.push(
          placed(Phase.enumChange, {
            kind: 'addEnumValue',
            type: current,
            value,
            before,
            usages: enumUsages(from, to, a, 'add'),
            castingParts: castingParts(from, to, a),
          }),
        );
        current = { ...current, values: insertValue(current.values, value, before) };
      }
    } else {
      out.push(
        placed(Phase.enumChange, {
          kind: 'replaceEnum',
          from: a,
          to: { ...a, values: b.values },
          usages: enumUsages(from, to, a, 'swap'),
          castingParts: castingParts(from, to, a),
        }),
      );
    }
  }
  return out;
}

/**
 * The columns that use the enum when its change runs, which its type swap must convert.
 * - A swap (`'swap'`) runs after dropped columns are gone and after columns leaving the enum
 *   were converted: it converts the columns that use the enum on both sides, and sets each one's
 *   default from before and after.
 * - ADD VALUE (`'add'`) runs before any column changes type; its inverse, a swap in the down
 *   migration, runs when every surviving column that used the enum uses it again, with its old
 *   default.
 */
function enumUsages(from: Catalog, to: Catalog, type: EnumType, mode: 'swap' | 'add'): EnumUsage[] {
  const toTables = byKey(to.tables, keyOf);
  const fromTables = byKey(from.tables, keyOf);
  const usesType = (c: { typeRef: { schema: string; name: string } } | undefined) =>
    c !== undefined && c.typeRef.schema === type.schema && c.typeRef.name === type.name;
  /** A parent the table keeps, whose column of that name is converted by the same change. */
  const convertedParent = (table: Table, target: Table, column: string) =>
    stayingParents(table, target, fromTables, toTables).some(
      ([before, after]) =>
        usesType(before.columns.find((c) => c.name === column)) &&
        (mode === 'add'
          ? after.columns.some((c) => c.name === column)
          : usesType(after.columns.find((c) => c.name === column))),
    );
  const usages: EnumUsage[] = [];
  for (const table of from.tables) {
    const target = toTables.get(keyOf(table));
    if (!target) continue;
    for (const column of table.columns) {
      if (column.typeRef.schema !== type.schema || column.typeRef.name !== type.name) continue;
      const kept = target.columns.find((c) => c.name === column.name);
      if (!kept) continue;
      if (mode === 'swap' && (kept.typeRef.name !== type.name || kept.typeRef.schema !== type.schema)) continue;
      // A column a child inherits from a parent converted too goes with the parent's (PostgreSQL refuses it alone).
      if (column.inherited && convertedParent(table, target, column.name)) continue;
      usages.push({
        schema: table.schema,
        table: table.name,
        column: column.name,
        default: { from: column.default, to: mode === 'swap' ? kept.default : column.default },
        array: column.type.endsWith('[]'),
      });
    }
  }
  return usages;
}

/**
 * The checks and indexes a swap of `type` must drop before it converts columns and make again
 * after (CastingPart): those that stay as they are on a table with a column of the type, and
 * whose expression casts to it. One that changes is dropped before the swap and made after it
 * by the table's own ops.
 */
function castingParts(from: Catalog, to: Catalog, type: EnumType): CastingPart[] {
  const name = (s: string) => `(?:${regexLiteral(`"${s.replace(/"/g, '""')}"`)}|${regexLiteral(s)})`;
  const cast = new RegExp(`::(?:${name(type.schema)}\\.)?${name(type.name)}(?![\\w$"])`);
  const toTables = byKey(to.tables, keyOf);
  const out: CastingPart[] = [];
  for (const table of from.tables) {
    const target = toTables.get(keyOf(table));
    if (!target || !table.columns.some((c) => c.typeRef.schema === type.schema && c.typeRef.name === type.name))
      continue;
    const ref = { schema: table.schema, table: table.name };
    for (const k of table.constraints) {
      if (cast.test(k.definition) && target.constraints.some((c) => c.name === k.name && c.definition === k.definition))
        out.push({ ...ref, kind: 'constraint', name: k.name, definition: k.definition });
    }
    for (const i of table.indexes) {
      if (cast.test(i.definition) && target.indexes.some((x) => x.name === i.name && x.definition === i.definition))
        out.push({ ...ref, kind: 'index', name: i.name, definition: i.definition });
    }
  }
  return out;
}
