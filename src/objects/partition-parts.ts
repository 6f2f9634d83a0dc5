import { USER_SCHEMA } from '../sql/catalog-filters.js';
import { Phase } from './phases.js';
import { REL_SQL, relationObjectsQuery, type ObjectKind } from './object-kind.js';

/**
 * An index a partition has of its own (not a part of its parent's partitioned index), as
 * pg_get_indexdef prints it. It goes with its partition: re-created when the partition is.
 */
export const partitionIndexes: ObjectKind = {
  kind: 'partition index',
  query: relationObjectsQuery({
    from: 'pg_index x JOIN pg_class i ON i.oid = x.indexrelid',
    relation: 'x.indrelid',
    keyword: 'INDEX',
    schema: 'n.nspname',
    name: 'i.relname',
    create: ['pg_get_indexdef(i.oid)'],
    description: `obj_description(i.oid, 'pg_class')`,
    where: `c.relispartition AND NOT i.relispartition AND ${USER_SCHEMA}
   AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.oid AND k.conrelid = c.oid)`,
  }),
  present: `EXISTS (SELECT 1 FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
                     WHERE c.relispartition AND NOT i.relispartition)`,
  createPhase: Phase.createIndex,
  dropPhase: Phase.dropIndex,
};

/** A constraint a partition has of its own, as pg_get_constraintdef prints it; `foreign`: its foreign keys, else the rest. */
const partitionConstraintsQuery = (foreign: boolean) =>
  relationObjectsQuery({
    from: 'pg_constraint k',
    relation: 'k.conrelid',
    keyword: 'CONSTRAINT',
    name: 'k.conname',
    create: [`format('ALTER TABLE %s ADD CONSTRAINT %I %s', ${REL_SQL}, k.conname, pg_get_constraintdef(k.oid))`],
    description: `obj_description(k.oid, 'pg_constraint')`,
    drop: `format('ALTER TABLE %s DROP CONSTRAINT %I', ${REL_SQL}, k.conname)`,
    where: `c.relispartition AND k.conislocal AND k.conparentid = 0 AND k.contype ${foreign ? "= 'f'" : "NOT IN ('f', 'n')"}
   AND ${USER_SCHEMA}`,
  });

const ANY_PARTITION_CONSTRAINT = `EXISTS (SELECT 1 FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
                     WHERE c.relispartition AND k.conislocal AND k.conparentid = 0)`;

/**
 * A partition's own keys and checks. They go before its parent's indexes: a parent's unique index
 * made after such a key takes the key's index as its part, and is then not dropped before it.
 */
export const partitionConstraints: ObjectKind = {
  kind: 'partition constraint',
  query: partitionConstraintsQuery(false),
  present: ANY_PARTITION_CONSTRAINT,
  createPhase: Phase.addConstraint,
  dropPhase: Phase.dropPartitionKey,
};

/** A partition's own foreign keys, made once what they reference has its keys. */
export const partitionForeignKeys: ObjectKind = {
  kind: 'partition foreign key',
  query: partitionConstraintsQuery(true),
  present: ANY_PARTITION_CONSTRAINT,
  createPhase: Phase.addForeignKey,
  dropPhase: Phase.dropForeignKey,
};
