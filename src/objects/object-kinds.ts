import { aggregates } from './aggregate.js';
import { columnSettings } from './column-setting.js';
import { defaultPrivileges } from './default-privilege.js';
import { eventTriggers } from './event-trigger.js';
import { extensions } from './extension.js';
import { functions } from './function.js';
import { columnGrants, grants, revokedDefaults } from './grant.js';
import type { ObjectKind } from './object-kind.js';
import { partitions } from './partition.js';
import { partitionConstraints, partitionForeignKeys, partitionIndexes } from './partition-parts.js';
import { policies } from './policy.js';
import { roles } from './role.js';
import { forcedRowLevelSecurity, rowLevelSecurity } from './row-security.js';
import { rules, statistics } from './statistics.js';
import { storageParameters } from './storage-parameter.js';
import { replicaIdentity, unlogged } from './table-setting.js';
import { triggers } from './trigger.js';
import {
  collations,
  compositeTypes,
  domainConstraints,
  domainDefaults,
  domainNotNull,
  domains,
  rangeTypes,
} from './types.js';

/** Every kind of object known by its definition: adding a kind is a new file and a line here. */
const OBJECT_KINDS: readonly ObjectKind[] = [
  roles,
  extensions,
  collations,
  domains,
  domainConstraints,
  domainDefaults,
  domainNotNull,
  compositeTypes,
  rangeTypes,
  functions,
  aggregates,
  partitions,
  partitionIndexes,
  partitionConstraints,
  partitionForeignKeys,
  triggers,
  eventTriggers,
  policies,
  rowLevelSecurity,
  forcedRowLevelSecurity,
  storageParameters,
  replicaIdentity,
  unlogged,
  columnSettings,
  statistics,
  rules,
  grants,
  columnGrants,
  revokedDefaults,
  defaultPrivileges,
];

const BY_KIND = new Map(OBJECT_KINDS.map((k) => [k.kind, k]));

/** The kind of an object read from the catalog (always one of OBJECT_KINDS). */
export function objectKind(kind: string): ObjectKind {
  const found = BY_KIND.get(kind);
  if (!found) throw new Error(`unknown object kind ${kind}`);
  return found;
}

/** Which kinds the database may have objects of: one cheap query, whatever the schema. */
export const PRESENT_KINDS_SQL = `SELECT array_to_json(array_remove(ARRAY[${OBJECT_KINDS.map(
  (k) => `CASE WHEN ${k.present} THEN '${k.kind}' END`,
).join(',\n')}], NULL))::text AS kinds WHERE $1::text[] IS NOT NULL`;

const queries = new Map<string, string>();

/** One query for every object of the given kinds (by their name), built once per set of kinds. */
export function objectsSql(kinds: readonly string[]): string {
  const key = kinds.join('\n');
  let sql = queries.get(key);
  if (!sql) {
    sql =
      OBJECT_KINDS.filter((k) => kinds.includes(k.kind))
        .map(
          (k) =>
            `SELECT '${k.kind}'::text AS kind, name::text, on_relation::text, array_to_json(create_sql)::text AS create_sql, drop_sql::text, shape::text, ${k.hasUses ? 'array_to_json(uses)::text' : 'NULL::text'} AS uses, ${k.hasParts ? 'parts::text' : 'NULL::text'} AS parts FROM (${k.query}\n) "${k.kind}"`,
        )
        .join('\nUNION ALL\n') + '\nORDER BY 1, 2';
    queries.set(key, sql);
  }
  return sql;
}
