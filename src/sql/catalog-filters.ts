// Filters every catalog query shares: user schemas only ($1 lists the schemas to leave out), and no
// object an extension owns.
/** A user schema (`n` is pg_namespace), not one of `$1`. */
export const USER_SCHEMA = `n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' AND NOT (n.nspname = ANY($1::text[]))`;
/** The object is not a member of an extension. */
export const NOT_EXTENSION = (classid: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '${classid}'::regclass AND e.objid = ${oid} AND e.deptype = 'e')`;
