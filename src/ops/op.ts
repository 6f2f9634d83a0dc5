import type { Column, Constraint, DefinedObject, EnumType, Index, Sequence, Table, View } from '../catalog/catalog.js';

/** Where a table-level object lives. */
export interface TableRef {
  schema: string;
  table: string;
  /**
   * The table is partitioned: PostgreSQL builds no index on it CONCURRENTLY and adds no foreign
   * key from it NOT VALID. Their online form does that on each of `leaves` first, then the
   * parent's own statement only attaches what it finds there.
   */
  partitioned?: { leaves: PartitionLeaf[] };
}

/** A partition that holds rows (not partitioned in turn), by schema and name. */
export interface PartitionLeaf {
  schema: string;
  name: string;
}

/** The object a comment is on. */
export type CommentTarget =
  | { kind: 'table' | 'view' | 'materialized view' | 'sequence' | 'type'; schema: string; name: string }
  | { kind: 'column'; schema: string; table: string; column: string }
  | { kind: 'constraint'; schema: string; table: string; name: string }
  | { kind: 'index'; schema: string; name: string };

/**
 * One schema change. Every op carries the full definition of what it creates or removes (and of
 * both sides of what it alters), so its inverse needs nothing else: the down migration is the up
 * migration's ops inverted in reverse order (see inverse.ts).
 */
export type Op =
  | { kind: 'createSchema'; schema: string }
  | { kind: 'dropSchema'; schema: string }
  | { kind: 'createEnum'; type: EnumType }
  | { kind: 'dropEnum'; type: EnumType }
  /** ALTER TYPE ... ADD VALUE; `type` is the enum before, `value` goes before `before` (or last). */
  | {
      kind: 'addEnumValue';
      type: EnumType;
      value: string;
      before: string | null;
      usages: EnumUsage[];
      /** What the swap that undoes it (the down) must drop and make again. */
      castingParts?: CastingPart[];
    }
  /** A type swap for changes ADD VALUE cannot make (removal, reorder): columns are converted via text. */
  | { kind: 'replaceEnum'; from: EnumType; to: EnumType; usages: EnumUsage[]; castingParts?: CastingPart[] }
  | { kind: 'createSequence'; sequence: Sequence }
  | { kind: 'dropSequence'; sequence: Sequence }
  | { kind: 'alterSequence'; from: Sequence; to: Sequence }
  /** The table with its columns and its primary key, unique, check and exclusion constraints. */
  | { kind: 'createTable'; table: Table }
  | { kind: 'dropTable'; table: Table }
  | { kind: 'renameTable'; schema: string; from: string; to: string }
  | ({ kind: 'addColumn'; column: Column } & TableRef)
  | ({ kind: 'dropColumn'; column: Column } & TableRef)
  | ({ kind: 'renameColumn'; from: string; to: string } & TableRef)
  | ({ kind: 'alterColumn'; from: Column; to: Column } & TableRef)
  /** ALTER TABLE ... INHERIT `parent` (`schema.name`), the parent's CHECK constraints added first. */
  | ({ kind: 'inheritTable'; parent: string; checks: Constraint[] } & TableRef)
  /** ALTER TABLE ... NO INHERIT `parent`, the parent's CHECK constraints dropped after. */
  | ({ kind: 'disinheritTable'; parent: string; checks: Constraint[] } & TableRef)
  /** `fresh`: on a table the same migration creates (or drops), so nothing else is locked out. */
  | ({ kind: 'addConstraint'; constraint: Constraint; fresh?: boolean } & TableRef)
  | ({ kind: 'dropConstraint'; constraint: Constraint; fresh?: boolean } & TableRef)
  | ({ kind: 'createIndex'; index: Index; fresh?: boolean } & TableRef)
  | ({ kind: 'dropIndex'; index: Index; fresh?: boolean } & TableRef)
  | { kind: 'createView'; view: View }
  | { kind: 'dropView'; view: View }
  | { kind: 'setComment'; target: CommentTarget; from: string | null; to: string | null }
  /** An object known by its definition (src/objects): created, dropped, or set in place. */
  | { kind: 'createObject'; object: DefinedObject }
  | { kind: 'dropObject'; object: DefinedObject }
  | { kind: 'replaceObject'; from: DefinedObject; to: DefinedObject }
  /** Changed in place part by part (ObjectKind.alter), where it cannot be dropped. */
  | { kind: 'alterObject'; from: DefinedObject; to: DefinedObject }
  /**
   * A table that stays joins a partitioned table (ALTER TABLE parent ATTACH PARTITION ... bound),
   * or leaves it (DETACH), keeping its rows. Names are SQL, as the catalog printed them.
   */
  | ({ kind: 'attachPartition' } & PartitionMove)
  | ({ kind: 'detachPartition' } & PartitionMove)
  /**
   * The first half of a column moved while two versions of the application run: the new column
   * beside the old, kept in step by a trigger, filled in batches. `undo` is its down.
   */
  | { kind: 'expandColumn'; move: ColumnMove; undo?: true }
  /** The second half, once no old version runs: the trigger and the old column go. `undo` is its down. */
  | { kind: 'contractColumn'; move: ColumnMove; undo?: true }
  /**
   * A table made again in another form (plain to partitioned, or back), its rows kept: the old one
   * renamed aside, the new one made with its partitions, the rows copied, its indexes built, the
   * old one dropped. What hangs on the table (grants, triggers, policies, views that read it,
   * foreign keys to it) is made again around it by the ops of their own kinds.
   */
  | {
      kind: 'remakeTable';
      from: RemadeTable;
      to: RemadeTable;
      /**
       * Set when it can be made online (nothing else names the table; both shapes have this
       * primary key): the new table filled beside the old, writes mirrored by a trigger, then
       * swapped in under a moment's lock.
       */
      online?: { key: string[] };
    };

export interface RemadeTable {
  /** The table whole: columns, constraints, indexes, foreign keys and comments. */
  table: Table;
  /** Its partitions (`CREATE TABLE ... PARTITION OF`), made with it and dropped with it. */
  partitions: DefinedObject[];
  /** The sequences its columns own (serial): handed from the old table to the new under its lock. */
  sequences: Sequence[];
}

/**
 * A column renamed or given another type by expand and contract: both columns exist between the
 * two migrations, and a trigger writes each when the other is written, so an application that
 * knows only the old column and one that knows only the new one work side by side.
 */
export interface ColumnMove extends TableRef {
  /** The old column, as the database has it. */
  from: Column;
  /** The new column, as the model has it. */
  to: Column;
  /** The new column's name while both exist: its own for a rename, a temporary one for a type change. */
  during: string;
  /** SQL that gives the new column's value from the old column (named as it is, `from.name`). */
  up: string;
  /** SQL that gives the old column's value from the new column (named as the model names it, `to.name`). */
  down: string;
  /** Indexes and constraints made beside the old column's under a temporary name, renamed at contract. */
  renames: { kind: 'index' | 'constraint'; during: string; name: string }[];
}

export interface PartitionMove {
  partition: string;
  parent: string;
  /** FOR VALUES ... or DEFAULT. */
  bound: string;
  /** The parent has a default partition (then DETACH cannot be CONCURRENTLY). */
  parentHasDefault: boolean;
  /**
   * The partition's constraint as PostgreSQL prints it (pg_get_partition_constraintdef), read
   * where the table is a partition (before a detach, after an attach): DETACH ... CONCURRENTLY
   * leaves it as a CHECK, which the online form drops after; the online ATTACH adds and
   * validates it first, so that PostgreSQL skips its scan under the exclusive lock.
   */
  partitionCheck?: string;
  /**
   * The names of the CHECKs the table has while it is a partition: the one DETACH ...
   * CONCURRENTLY adds is the one not among them (its text is PostgreSQL's folded form of the
   * constraint, not pg_get_partition_constraintdef's).
   */
  partitionCheckNames?: string[];
}

export interface EnumUsage extends TableRef {
  column: string;
  /**
   * The column's default before and after the change: it names the type, so it is dropped before
   * the swap and set again after (the new one, which may no longer be the old value).
   */
  default: { from: string | null; to: string | null };
  /** True when the column is an array of the enum. */
  array: boolean;
}

/**
 * A check or an index of a table an enum swap converts whose expression casts a constant to the
 * enum (`status <> 'done'::status`, a partial index's WHERE): PostgreSQL cannot compare the new
 * type with the old one's constant, so the swap drops it before converting and makes it again after.
 */
export interface CastingPart extends TableRef {
  kind: 'constraint' | 'index';
  name: string;
  /** `CHECK (...)` for a constraint, the CREATE INDEX statement for an index. */
  definition: string;
}

export type OpKind = Op['kind'];
