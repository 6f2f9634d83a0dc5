import type { DefinedObject } from '../objects/object-kind.js';

export type { DefinedObject };
/**
 * A database's schema as plain data, read from its PostgreSQL catalog (introspect.ts): what the
 * differ compares. ("Model" is kept for the Drizzle model, the TypeScript the team edits.)
 * Definitions are kept in the form PostgreSQL prints them (format_type, pg_get_expr,
 * pg_get_constraintdef, pg_get_indexdef, pg_get_viewdef), so two catalogs read from two databases
 * compare like with like and every definition is valid SQL to re-create the object.
 */
export interface Catalog {
  schemas: string[];
  enums: EnumType[];
  sequences: Sequence[];
  tables: Table[];
  views: View[];
  /** Everything known by its definition alone: functions, triggers, policies, grants ... (src/objects). */
  objects: DefinedObject[];
  /** What smartem-db cannot migrate yet: seen, so a difference in it is reported, never passed over. */
  unsupported: UnsupportedObject[];
}

interface UnsupportedObject {
  /** What it is, as PostgreSQL describes it (pg_describe_object), e.g. `function public.total(integer)`. */
  name: string;
  /** A text that changes when it does, to see drift in it. */
  definition: string;
}

export interface EnumType {
  schema: string;
  name: string;
  values: string[];
  comment: string | null;
}

/** The options a sequence and an identity column's sequence share (numbers as text: bigint range). */
interface SequenceOptions {
  start: string;
  increment: string;
  min: string;
  max: string;
  cache: string;
  cycle: boolean;
}

export interface Sequence extends SequenceOptions {
  schema: string;
  name: string;
  /** smallint, integer or bigint. */
  type: string;
  /** The column that owns it (OWNED BY), if any. Identity sequences are not listed here. */
  ownedBy: { table: string; column: string } | null;
  comment: string | null;
}

export interface Table {
  schema: string;
  name: string;
  columns: Column[];
  /** Primary key, unique, check and exclusion constraints; foreign keys are separate. */
  constraints: Constraint[];
  foreignKeys: Constraint[];
  /** Indexes not backing a constraint. */
  indexes: Index[];
  /** A partitioned table's key, as pg_get_partkeydef() prints it (`RANGE (acquired_at)`); null for a plain table. */
  partitionBy: string | null;
  /**
   * The tables it inherits from (`schema.name`, in INHERITS order), when it does: it then has
   * their columns (marked `inherited`) and their CHECK constraints (not listed: the parent's).
   */
  inherits?: string[];
  comment: string | null;
}

export interface Column {
  name: string;
  /** As format_type() prints it, e.g. `character varying(20)`, `integer[]`, `"Status"`. */
  type: string;
  /** The (element) type it names, to find the columns that use an enum. */
  typeRef: { schema: string; name: string };
  notNull: boolean;
  /** As pg_get_expr() prints it; null when there is none (or the column is generated). */
  default: string | null;
  identity: Identity | null;
  /** The expression of a GENERATED ALWAYS AS (...) STORED column. */
  generated: string | null;
  /** A collation other than the type's default, quoted as needed. */
  collation: string | null;
  comment: string | null;
  /** It comes from a table this one inherits from (and goes when that table drops it). */
  inherited?: true;
}

export interface Identity extends SequenceOptions {
  /** GENERATED ALWAYS (true) or BY DEFAULT (false). */
  always: boolean;
  sequence: string;
}

export interface Constraint {
  name: string;
  kind: 'primary' | 'unique' | 'check' | 'exclude' | 'foreign';
  /** As pg_get_constraintdef() prints it, e.g. `FOREIGN KEY (a) REFERENCES b(id) ON DELETE CASCADE`. */
  definition: string;
  /** For foreign keys: the table and columns it references. */
  references: { schema: string; table: string; columns: string[] } | null;
  /** The columns it covers, in order. */
  columns: string[];
  comment: string | null;
  /**
   * A parent's CHECK as a child has it (only in ops: a table lists its own constraints). A child
   * that joined the parent has it as its own too, so the parent's DROP leaves it there.
   */
  inherited?: true;
}

export interface Index {
  name: string;
  /** As pg_get_indexdef() prints it: a complete CREATE INDEX statement. */
  definition: string;
  unique: boolean;
  columns: string[];
  comment: string | null;
}

export interface View {
  schema: string;
  name: string;
  materialized: boolean;
  /** As pg_get_viewdef() prints it. */
  definition: string;
  /** Indexes of a materialized view. */
  indexes: Index[];
  /** Tables and views it reads (`schema.name`), and the functions and types it names (as `uses` names them), for ordering and rebuilding. */
  dependsOn: string[];
  comment: string | null;
  /** Comments on its columns (COMMENT ON COLUMN works on a view), in column order. */
  columnComments: { column: string; comment: string }[];
}

export const emptyCatalog = (): Catalog => ({
  schemas: [],
  enums: [],
  sequences: [],
  tables: [],
  views: [],
  objects: [],
  unsupported: [],
});
