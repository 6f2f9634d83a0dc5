import { Phase } from './phases.js';
import type { ObjectKind } from './object-kind.js';

/** Extensions (but plpgsql, which every database has); the objects they bring are theirs, left out everywhere else. */
export const extensions: ObjectKind = {
  kind: 'extension',
  query: `
SELECT x.extname AS name, NULL AS on_relation,
       ARRAY[format('CREATE EXTENSION %I WITH SCHEMA %I', x.extname, n.nspname)] AS create_sql,
       format('DROP EXTENSION %I', x.extname) AS drop_sql, NULL AS shape
  FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace
 WHERE x.extname <> 'plpgsql'`,
  present: `EXISTS (SELECT 1 FROM pg_extension WHERE extname <> 'plpgsql')`,
  createPhase: Phase.createExtension,
  dropPhase: Phase.dropExtension,
};
