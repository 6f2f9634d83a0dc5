import type { Column } from '../catalog/catalog.js';
import type { Constraint } from '../catalog/catalog.js';
import type { Op, PartitionLeaf } from '../ops/op.js';
import { quoteIdent, quoteLiteral, quoteQualified } from '../sql/quote.js';
import type { Statement } from './statement.js';
import { backfill } from './batches.js';
import { renderColumn } from './render-op.js';
import { temporaryName } from './temporary-name.js';
import { renderRemakeOnline } from './render-remake.js';

// The online forms of changes to tables that exist and hold rows (pg-schema-diff's and GitLab's
// playbook): every step takes at most a brief lock, the long work happens under a light one or in
// batches that commit. Each step commits on its own, so the migration runs without a transaction.

/** A step that commits on its own (the migration runs without a transaction). */
const step = (sql: string): Statement => ({ sql, hazards: [], transactional: false });

/** The CHECK that proves a partition's bounds before it is attached (dropped once it is). */
const PARTITION_BOUND = quoteIdent('smartem_partition_bound');

/**
 * The name of a partition's part of its parent's index or key `name`: `<partition>_<name>`, the
 * partition's name cut first to fit PostgreSQL's 63 bytes (so that two parents' names still differ).
 */
export function leafPartName(leaf: PartitionLeaf, name: string): string {
  const room = 62 - name.length;
  return room >= 8 ? `${leaf.name.slice(0, room)}_${name}` : `${leaf.name.slice(0, 8)}_${name.slice(-54)}`;
}

/**
 * An index on a partitioned table, built without blocking writes, as PostgreSQL's manual has it:
 * each partition's own built CONCURRENTLY first, then the parent's plain CREATE INDEX, which finds
 * them and only attaches them (a moment's SHARE lock). A partition made since generate ran gets
 * its index built by that last statement, under the lock: the result is the same. Undefined (the
 * plain form) when the table has no partition holding rows on both sides.
 */
export function partitionedIndexSteps(
  definition: string,
  name: string,
  leaves: readonly PartitionLeaf[],
): Statement[] | undefined {
  // ON ONLY makes the parent's index alone, which builds nothing: its plain form is the online one.
  const m = /^CREATE (UNIQUE )?INDEX (?:"(?:[^"]|"")+"|\S+) ON (?!ONLY ).+? (USING .*)$/s.exec(definition);
  if (!m || leaves.length === 0) return undefined;
  return [
    ...leaves.map((leaf) =>
      step(
        `CREATE ${m[1] ?? ''}INDEX CONCURRENTLY ${quoteIdent(leafPartName(leaf, name))} ON ${quoteQualified(leaf.schema, leaf.name)} ${m[2]}`,
      ),
    ),
    step(definition),
  ];
}

/**
 * A unique key, primary key or foreign key on a partitioned table, the same way: each partition
 * gets its own first (a key from a concurrent unique index, a foreign key NOT VALID and then
 * validated), and the parent's ADD CONSTRAINT takes them over without a scan or a build.
 */
function partitionedKeySteps(target: string, k: Constraint, leaves: readonly PartitionLeaf[]): Statement[] | undefined {
  if (leaves.length === 0) return undefined;
  const parent = step(`ALTER TABLE ${target} ADD CONSTRAINT ${quoteIdent(k.name)} ${k.definition}`);
  if (k.kind === 'foreign' && !/ NOT VALID$/.test(k.definition)) {
    return [
      ...leaves.flatMap((leaf) => {
        const on = quoteQualified(leaf.schema, leaf.name);
        return [
          step(`ALTER TABLE ${on} ADD CONSTRAINT ${quoteIdent(k.name)} ${k.definition} NOT VALID`),
          step(`ALTER TABLE ${on} VALIDATE CONSTRAINT ${quoteIdent(k.name)}`),
        ];
      }),
      parent,
    ];
  }
  const key = /^(UNIQUE|PRIMARY KEY) \(([^()]+)\)$/.exec(k.definition);
  if (key && (k.kind === 'unique' || k.kind === 'primary')) {
    return [
      ...leaves.flatMap((leaf) => {
        const on = quoteQualified(leaf.schema, leaf.name);
        const part = quoteIdent(leafPartName(leaf, k.name));
        return [
          step(`CREATE UNIQUE INDEX CONCURRENTLY ${part} ON ${on} USING btree (${key[2]})`),
          step(`ALTER TABLE ${on} ADD CONSTRAINT ${part} ${key[1]} USING INDEX ${part}`),
        ];
      }),
      parent,
    ];
  }
  return undefined;
}

/** The online form of an op on an existing table, or undefined when it has none (or needs none). */
export function renderOnline(op: Op): Statement[] | undefined {
  switch (op.kind) {
    case 'createIndex':
      if (op.fresh) return undefined;
      if (op.partitioned) return partitionedIndexSteps(op.index.definition, op.index.name, op.partitioned.leaves);
      return [step(op.index.definition.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX CONCURRENTLY '))];
    case 'dropIndex':
      // A partitioned table's index has no DROP ... CONCURRENTLY: the plain drop (a moment's lock).
      if (op.fresh || op.partitioned) return undefined;
      return [step(`DROP INDEX CONCURRENTLY ${quoteQualified(op.schema, op.index.name)}`)];
    case 'addConstraint': {
      const k = op.constraint;
      if (op.fresh) return undefined;
      const target = quoteQualified(op.schema, op.table);
      if (op.partitioned && k.kind !== 'check') return partitionedKeySteps(target, k, op.partitioned.leaves);
      if ((k.kind === 'foreign' || k.kind === 'check') && !/ NOT VALID$/.test(k.definition)) {
        // Added without checking the rows (a brief lock), then checked under a light one.
        return [
          step(`ALTER TABLE ${target} ADD CONSTRAINT ${quoteIdent(k.name)} ${k.definition} NOT VALID`),
          step(`ALTER TABLE ${target} VALIDATE CONSTRAINT ${quoteIdent(k.name)}`),
        ];
      }
      const key = /^(UNIQUE|PRIMARY KEY) \(([^()]+)\)$/.exec(k.definition);
      if (key && (k.kind === 'unique' || k.kind === 'primary')) {
        // The index is built concurrently; the constraint then takes it over in a moment.
        return [
          step(`CREATE UNIQUE INDEX CONCURRENTLY ${quoteIdent(k.name)} ON ${target} USING btree (${key[2]})`),
          step(
            `ALTER TABLE ${target} ADD CONSTRAINT ${quoteIdent(k.name)} ${key[1]} USING INDEX ${quoteIdent(k.name)}`,
          ),
        ];
      }
      return undefined;
    }
    case 'alterColumn':
      return renderOnlineAlterColumn(op.schema, op.table, op.from, op.to);
    case 'attachPartition':
      // The bounds proved first by a CHECK that is added without a scan and validated under a
      // light lock: ATTACH then skips its scan under the exclusive lock. Not for a hash bound (its
      // constraint names the parent's oid, which differs between databases), nor with a default
      // partition (whose own scan stays).
      if (op.parentHasDefault || !op.partitionCheck || /^FOR VALUES WITH /.test(op.bound)) return undefined;
      return [
        step(`ALTER TABLE ${op.partition} ADD CONSTRAINT ${PARTITION_BOUND} CHECK (${op.partitionCheck}) NOT VALID`),
        step(`ALTER TABLE ${op.partition} VALIDATE CONSTRAINT ${PARTITION_BOUND}`),
        step(`ALTER TABLE ${op.parent} ATTACH PARTITION ${op.partition} ${op.bound}`),
        step(`ALTER TABLE ${op.partition} DROP CONSTRAINT ${PARTITION_BOUND}`),
      ];
    case 'detachPartition':
      // CONCURRENTLY waits for the parent's queries instead of blocking them, and leaves the
      // partition's constraint on the table as a CHECK (unless one it has implies it), dropped
      // after: the model does not have it. It is the CHECK the table did not have before.
      if (op.parentHasDefault || !op.partitionCheckNames) return undefined;
      return [
        step(`ALTER TABLE ${op.parent} DETACH PARTITION ${op.partition} CONCURRENTLY`),
        step(
          `DO $smartem_detach$ DECLARE c name; BEGIN
  SELECT conname INTO c FROM pg_constraint WHERE conrelid = ${quoteLiteral(op.partition)}::regclass AND contype = 'c'
     AND conname <> ALL (ARRAY[${op.partitionCheckNames.map(quoteLiteral).join(', ')}]::name[]) ORDER BY oid DESC LIMIT 1;
  IF c IS NOT NULL THEN EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', ${quoteLiteral(op.partition)}, c); END IF;
END $smartem_detach$`,
        ),
      ];
    case 'addColumn':
      return renderOnlineAddColumn(op.schema, op.table, op.column);
    case 'remakeTable':
      return op.online ? renderRemakeOnline(op.from, op.to, op.online.key) : undefined;
    default:
      return undefined;
  }
}

/**
 * SET NOT NULL without its scan under an exclusive lock: a CHECK (column IS NOT NULL) added NOT
 * VALID, validated under a light lock, then SET NOT NULL (which PostgreSQL 12+ proves from the
 * check without scanning) and the check dropped.
 */
export function notNullSteps(schema: string, table: string, column: string): Statement[] {
  const target = quoteQualified(schema, table);
  const check = quoteIdent(temporaryName(`${table}_${column}`, '_not_null'));
  return [
    step(`ALTER TABLE ${target} ADD CONSTRAINT ${check} CHECK (${quoteIdent(column)} IS NOT NULL) NOT VALID`),
    step(`ALTER TABLE ${target} VALIDATE CONSTRAINT ${check}`),
    step(`ALTER TABLE ${target} ALTER COLUMN ${quoteIdent(column)} SET NOT NULL`),
    step(`ALTER TABLE ${target} DROP CONSTRAINT ${check}`),
  ];
}

/** The online form of a column change that only makes it NOT NULL (with or without a new default). */
function renderOnlineAlterColumn(schema: string, table: string, from: Column, to: Column): Statement[] | undefined {
  const onlyNotNull =
    !from.notNull &&
    to.notNull &&
    from.type === to.type &&
    from.collation === to.collation &&
    JSON.stringify(from.identity) === JSON.stringify(to.identity) &&
    from.generated === to.generated;
  if (!onlyNotNull) return undefined;
  const target = quoteQualified(schema, table);
  const out: Statement[] = [];
  if (to.default !== from.default) {
    out.push(
      step(
        `ALTER TABLE ${target} ALTER COLUMN ${quoteIdent(to.name)} ${to.default === null ? 'DROP DEFAULT' : `SET DEFAULT ${to.default}`}`,
      ),
    );
  }
  return [...out, ...notNullSteps(schema, table, to.name)];
}

// Volatile functions: a default calling one is evaluated for every row (a rewrite). Stable ones
// (now()) are evaluated once and stored as the column's "missing" value: no rewrite, no backfill.
const VOLATILE = /\b(random|clock_timestamp|gen_random_uuid|uuid_generate_v\d|nextval|timeofday)\s*\(/i;

/**
 * A new column whose default PostgreSQL would have to write into every row (a volatile default:
 * a random uuid, a time) at once, under an exclusive lock: added without it, given the default for
 * new rows, its existing rows filled by backfill() (batches.ts), in batches that each commit (a crash
 * loses no batch done, and running it again continues), then made NOT NULL without a scan.
 */
function renderOnlineAddColumn(schema: string, table: string, column: Column): Statement[] | undefined {
  if (column.generated || column.identity || column.default === null || !VOLATILE.test(column.default))
    return undefined;
  const target = quoteQualified(schema, table);
  const name = quoteIdent(column.name);
  return [
    step(`ALTER TABLE ${target} ADD COLUMN ${renderColumn({ ...column, notNull: false, default: null })}`),
    step(`ALTER TABLE ${target} ALTER COLUMN ${name} SET DEFAULT ${column.default}`),
    step(backfill(target, name, column.default, `${schema}.${table}.${column.name}`)),
    ...(column.notNull ? notNullSteps(schema, table, column.name) : []),
  ];
}
