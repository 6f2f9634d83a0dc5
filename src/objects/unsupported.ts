import { NOT_EXTENSION, USER_SCHEMA } from '../sql/catalog-filters.js';
import { NOT_INTERNAL } from './object-kind.js';

/**
 * Everything else a schema can hold that smartem-db cannot migrate yet, each with a text that
 * changes when it does. Read so that a difference in it is named (check reports it, generate
 * refuses to write a migration that would leave it out), never passed over.
 */
export const UNSUPPORTED_SQL = `
SELECT pg_describe_object(classid, objid, objsubid) AS name, definition
  FROM (
    SELECT 'pg_proc'::regclass AS classid, p.oid AS objid, 0 AS objsubid,
           p.prokind::text || ' ' || coalesce(a.aggtransfn::text, '') || ' ' || coalesce(a.aggfinalfn::text, '') || ' '
             || coalesce(format_type(a.aggtranstype, NULL), '') || ' ' || coalesce(a.agginitval, '') AS definition
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace LEFT JOIN pg_aggregate a ON a.aggfnoid = p.oid
     WHERE (p.prokind = 'w' OR (p.prokind = 'a' AND a.aggkind <> 'n')) AND ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_proc', 'p.oid')}
    UNION ALL
    SELECT 'pg_operator'::regclass, o.oid, 0, o.oprcode::text || ' ' || o.oprleft::regtype::text || ' ' || o.oprright::regtype::text
      FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace
     WHERE ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_operator', 'o.oid')} AND ${NOT_INTERNAL('pg_operator', 'o.oid')}
    UNION ALL
    SELECT 'pg_cast'::regclass, k.oid, 0, k.castfunc::regprocedure::text || ' ' || k.castcontext::text || ' ' || k.castmethod::text
      FROM pg_cast k
     WHERE k.oid >= 16384 AND ${NOT_EXTENSION('pg_cast', 'k.oid')} AND ${NOT_INTERNAL('pg_cast', 'k.oid')}
    UNION ALL
    SELECT 'pg_class'::regclass, c.oid, 0, 'foreign table'
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind = 'f' AND ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_class', 'c.oid')}


    UNION ALL
    SELECT 'pg_publication'::regclass, p.oid, 0, to_jsonb(p)::text
      FROM pg_publication p
    UNION ALL
    SELECT 'pg_foreign_server'::regclass, s.oid, 0, coalesce(s.srvoptions::text, '')
      FROM pg_foreign_server s
     WHERE ${NOT_EXTENSION('pg_foreign_server', 's.oid')}
    UNION ALL
    SELECT 'pg_ts_config'::regclass, t.oid, 0, t.cfgparser::regproc::text
      FROM pg_ts_config t JOIN pg_namespace n ON n.oid = t.cfgnamespace
     WHERE ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_ts_config', 't.oid')}
    UNION ALL
    SELECT 'pg_ts_dict'::regclass, t.oid, 0, coalesce(t.dictinitoption, '')
      FROM pg_ts_dict t JOIN pg_namespace n ON n.oid = t.dictnamespace
     WHERE ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_ts_dict', 't.oid')}
    UNION ALL
    SELECT 'pg_opclass'::regclass, o.oid, 0, o.opcintype::regtype::text
      FROM pg_opclass o JOIN pg_namespace n ON n.oid = o.opcnamespace
     WHERE ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_opclass', 'o.oid')}
    UNION ALL
    SELECT 'pg_opfamily'::regclass, o.oid, 0, ''
      FROM pg_opfamily o JOIN pg_namespace n ON n.oid = o.opfnamespace
     WHERE ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_opfamily', 'o.oid')}
    UNION ALL
    SELECT 'pg_conversion'::regclass, v.oid, 0, v.conproc::text
      FROM pg_conversion v JOIN pg_namespace n ON n.oid = v.connamespace
     WHERE ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_conversion', 'v.oid')}
    UNION ALL
    SELECT 'pg_type'::regclass, t.oid, 0, t.typtype::text || ' ' || t.typinput::text || ' ' || t.typoutput::text
      FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE (t.typtype = 'p' OR (t.typtype = 'b' AND t.typelem = 0))
       AND ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_type', 't.oid')}

  ) o
 ORDER BY 1`;
