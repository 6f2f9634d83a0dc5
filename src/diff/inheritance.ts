import type { Catalog, Column, Constraint, Table } from '../catalog/catalog.js';
import { keyOf } from '../catalog/qualified-name.js';
import { byKey } from './keyed.js';
import { graphDepths } from './graph-depth.js';
import { Phase } from '../objects/phases.js';
import { placed, type PlacedOp } from './phases.js';

/**
 * Table inheritance (CREATE TABLE ... INHERITS): what a parent's change does to its children on
 * its own, so the differ does not do it twice. PostgreSQL carries a parent's ADD COLUMN, DROP
 * COLUMN, ALTER COLUMN TYPE, SET/DROP DEFAULT and SET/DROP NOT NULL down to every child; a child
 * that joins or leaves a parent is ALTER TABLE ... INHERIT / NO INHERIT.
 */
export class Inheritance {
  private readonly fromTables: Map<string, Table>;
  private readonly toTables: Map<string, Table>;
  private readonly fromDepth: Map<string, number>;
  private readonly toDepth: Map<string, number>;

  constructor(from: Catalog, to: Catalog) {
    this.fromTables = byKey(from.tables, keyOf);
    this.toTables = byKey(to.tables, keyOf);
    this.fromDepth = graphDepths(from.tables, keyOf, (t) => t.inherits ?? []);
    this.toDepth = graphDepths(to.tables, keyOf, (t) => t.inherits ?? []);
  }

  /** How many generations of parents a table has in `to` (0: none), to create parents first. */
  createRank(t: Table): number {
    return this.toDepth.get(keyOf(t)) ?? 0;
  }

  /** The same in `from`, negated: children are dropped before their parents. */
  dropRank(t: Table): number {
    return -(this.fromDepth.get(keyOf(t)) ?? 0);
  }

  /** A column op on a child runs after its parent's (same phase): the parent's may have done part of it. */
  columnRank(a: Table, b: Table): number {
    return Math.max(this.fromDepth.get(keyOf(a)) ?? 0, this.toDepth.get(keyOf(b)) ?? 0);
  }

  /** A parent the child inherits from before and after, which adds the column: that adds it to the child. */
  addedByParent(a: Table, b: Table, column: Column): boolean {
    return (
      column.inherited === true &&
      this.stayingParents(a, b).some(
        ([p, q]) => !p.columns.some((c) => c.name === column.name) && q.columns.some((c) => c.name === column.name),
      )
    );
  }

  /**
   * The child's column as its parents' changes leave it: a field a staying parent changes on the
   * same column is carried down, so only what the child changes on its own is left to do.
   */
  afterParents(a: Table, b: Table, x: Column, y: Column): Column {
    if (!x.inherited || !y.inherited) return x;
    let out = x;
    for (const [p, q] of this.stayingParents(a, b)) {
      const px = p.columns.find((c) => c.name === x.name);
      const py = q.columns.find((c) => c.name === x.name);
      if (!px || !py) continue;
      const carried: Partial<Column> = {};
      if (px.type !== py.type || px.collation !== py.collation) {
        carried.type = py.type;
        carried.typeRef = py.typeRef;
        carried.collation = py.collation;
      }
      if (px.default !== py.default) carried.default = py.default;
      if (px.notNull !== py.notNull) carried.notNull = py.notNull;
      out = { ...out, ...carried };
    }
    return out;
  }

  /**
   * What a child made or dropped sets differently on a column it inherits (its own default, NOT
   * NULL): an ALTER COLUMN from what the parent gives, after the parent has the column (made), or
   * back to it before the child goes (dropped), so the down sets it again.
   */
  ownSettings(t: Table, made: boolean): PlacedOp[] {
    const tables = made ? this.toTables : this.fromTables;
    const ref = { schema: t.schema, table: t.name };
    return t.columns.flatMap((c) => {
      if (!c.inherited) return [];
      const given = (t.inherits ?? [])
        .map((p) => tables.get(p)?.columns.find((x) => x.name === c.name))
        .find((x) => x !== undefined);
      if (!given) return [];
      const from = { ...c, default: given.default, notNull: given.notNull, comment: null };
      const own = { ...c, comment: null };
      if (from.default === own.default && from.notNull === own.notNull) return [];
      return [
        made
          ? placed(Phase.alterColumn, { kind: 'alterColumn', ...ref, from, to: own }, 1 + this.createRank(t))
          : placed(Phase.disinherit, { kind: 'alterColumn', ...ref, from: own, to: from }, this.dropRank(t)),
      ];
    });
  }

  /** INHERIT and NO INHERIT for the parents a table gains and loses. */
  parentChanges(a: Table, b: Table): PlacedOp[] {
    const [before, after] = [a.inherits ?? [], b.inherits ?? []];
    const ref = { schema: b.schema, table: b.name };
    const change = (kind: 'inheritTable' | 'disinheritTable', parent: string, tables: Map<string, Table>) =>
      placed(kind === 'inheritTable' ? Phase.inherit : Phase.disinherit, {
        kind,
        ...ref,
        parent,
        checks: inheritableChecks(parent, tables),
      });
    // Parents are left last first, so that the down, joining them again in reverse, keeps their order.
    return [
      ...before
        .filter((p) => !after.includes(p))
        .reverse()
        .map((p) => change('disinheritTable', p, this.fromTables)),
      ...after.filter((p) => !before.includes(p)).map((p) => change('inheritTable', p, this.toTables)),
    ];
  }

  /**
   * A column the child keeps as its own while the parent it came from drops it: the parent's DROP
   * would take the child's too (and its values). Leaving the parent and joining it again first
   * makes every inherited column the child's own as well, so the drop leaves it.
   */
  keptFromParentDrop(a: Table, b: Table, both: readonly (readonly [Column, Column])[]): PlacedOp[] {
    const ref = { schema: b.schema, table: b.name };
    return this.stayingParents(a, b).flatMap(([p, q]) => {
      const dropped = (name: string) =>
        p.columns.some((c) => c.name === name) && !q.columns.some((c) => c.name === name);
      if (!both.some(([x, y]) => x.inherited && !y.inherited && dropped(x.name))) return [];
      const parent = keyOf(p);
      return [
        placed(Phase.disinherit, { kind: 'disinheritTable', ...ref, parent, checks: [] }),
        placed(Phase.disinherit, { kind: 'inheritTable', ...ref, parent, checks: [] }, 0.5),
      ];
    });
  }

  /**
   * A CHECK a staying parent drops (or changes) is dropped from the child after, where the child
   * still has it: its own copy, from joining the parent, outlives the parent's DROP.
   */
  checksDroppedByParent(a: Table, b: Table): PlacedOp[] {
    const ref = { schema: b.schema, table: b.name };
    const rank = this.columnRank(a, b);
    return this.stayingParents(a, b).flatMap(([p, q]) => {
      const kept = inheritableChecks(keyOf(q), this.toTables);
      return inheritableChecks(keyOf(p), this.fromTables)
        .filter((k) => !kept.some((x) => x.name === k.name && x.definition === k.definition))
        .map((k) =>
          placed(Phase.dropConstraint, { kind: 'dropConstraint', ...ref, constraint: { ...k, inherited: true } }, rank),
        );
    });
  }

  private stayingParents(a: Table, b: Table): [Table, Table][] {
    return stayingParents(a, b, this.fromTables, this.toTables);
  }
}

/**
 * The parents table `a` (in `from`) inherits from and, as `b` (in `to`), still does: each as
 * [before, after]. Their changes reach the table through PostgreSQL.
 */
export function stayingParents(
  a: Table,
  b: Table,
  fromTables: ReadonlyMap<string, Table>,
  toTables: ReadonlyMap<string, Table>,
): [Table, Table][] {
  const after = new Set(b.inherits ?? []);
  return (a.inherits ?? []).flatMap((key) => {
    const p = fromTables.get(key);
    const q = toTables.get(key);
    return after.has(key) && p && q ? [[p, q] as [Table, Table]] : [];
  });
}

/** The CHECK constraints a child gets from a parent: the parent's own and its ancestors', but NO INHERIT ones. */
function inheritableChecks(parent: string, tables: Map<string, Table>, seen = 0): Constraint[] {
  const t = tables.get(parent);
  if (!t || seen > 64) return [];
  const own = t.constraints
    .filter((k) => k.kind === 'check' && !/\bNO INHERIT\b/.test(k.definition))
    .map((k) => ({ ...k, comment: null }));
  const inherited = (t.inherits ?? []).flatMap((p) => inheritableChecks(p, tables, seen + 1));
  return [...own, ...inherited.filter((k) => !own.some((o) => o.name === k.name))];
}
