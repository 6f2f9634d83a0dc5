import type { Catalog, Index } from './catalog.js';
import { keyOf } from './qualified-name.js';

/**
 * Every difference between two catalogs, one readable line each ("column public.grid.name: notNull
 * false, expected true"); empty when they describe the same database. Independent of the differ
 * on purpose: it compares every field, so it also catches what the differ does not handle.
 * Column order is not compared (ADD COLUMN always appends).
 *
 * @example catalogDifferences(afterUp, desired) // [] when the migration is right
 */
export function catalogDifferences(actual: Catalog, expected: Catalog): string[] {
  const out: string[] = [];
  const keyed = <T>(items: readonly T[], key: (x: T) => string) => new Map(items.map((x) => [key(x), x]));
  const compare = <T extends object>(
    label: string,
    a: readonly T[],
    b: readonly T[],
    key: (x: T) => string,
    inner: (name: string, x: T, y: T) => void,
  ) => {
    const ka = keyed(a, key);
    const kb = keyed(b, key);
    // An object's key starts with its kind ("trigger public.t.x"): it needs no label.
    const named = (k: string) => (label ? `${label} ${k}` : k);
    for (const [k] of ka) if (!kb.has(k)) out.push(`${named(k)}: present, expected absent`);
    for (const [k] of kb) if (!ka.has(k)) out.push(`${named(k)}: absent, expected present`);
    for (const [k, x] of ka) {
      const y = kb.get(k);
      if (y) inner(k, x, y);
    }
  };
  const fields = (label: string, x: object, y: object, skip: string[] = []) => {
    for (const f of Object.keys({ ...x, ...y })) {
      if (skip.includes(f)) continue;
      const [vx, vy] = [
        JSON.stringify((x as Record<string, unknown>)[f]),
        JSON.stringify((y as Record<string, unknown>)[f]),
      ];
      if (vx !== vy) out.push(`${label}: ${f} ${vx}, expected ${vy}`);
    }
  };
  const qualified = (x: { schema: string; name: string }) => keyOf(x);
  // A table's indexes and a materialized view's, compared alike.
  const indexes = (k: string, x: Index[], y: Index[]) =>
    compare(
      'index',
      x,
      y,
      (i) => `${i.name} on ${k}`,
      (ik, ix, iy) => fields(`index ${ik}`, ix, iy),
    );

  compare(
    'schema',
    actual.schemas.map((name) => ({ name })),
    expected.schemas.map((name) => ({ name })),
    (s) => s.name,
    () => {},
  );
  compare('enum', actual.enums, expected.enums, qualified, (k, x, y) => fields(`enum ${k}`, x, y));
  compare('sequence', actual.sequences, expected.sequences, qualified, (k, x, y) => fields(`sequence ${k}`, x, y));
  compare('table', actual.tables, expected.tables, qualified, (k, x, y) => {
    fields(`table ${k}`, x, y, ['columns', 'constraints', 'foreignKeys', 'indexes']);
    compare(
      'column',
      x.columns,
      y.columns,
      (c) => `${k}.${c.name}`,
      (ck, cx, cy) => fields(`column ${ck}`, cx, cy),
    );
    compare(
      'constraint',
      [...x.constraints, ...x.foreignKeys],
      [...y.constraints, ...y.foreignKeys],
      (c) => `${c.name} on ${k}`,
      (ck, cx, cy) => fields(`constraint ${ck}`, cx, cy),
    );
    indexes(k, x.indexes, y.indexes);
  });
  compare('view', actual.views, expected.views, qualified, (k, x, y) => {
    fields(`view ${k}`, x, y, ['indexes', 'dependsOn']);
    indexes(k, x.indexes, y.indexes);
  });
  compare(
    '',
    actual.objects,
    expected.objects,
    (o) => `${o.kind} ${o.name}`,
    (k, x, y) => fields(k, x, y),
  );
  compare(
    '',
    actual.unsupported,
    expected.unsupported,
    (o) => o.name,
    (k, x, y) => fields(k, x, y),
  );
  return out;
}
