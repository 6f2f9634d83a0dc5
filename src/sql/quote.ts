/** Quotes a PostgreSQL identifier (always, so case and reserved words survive). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quotes a string literal for SQL printed by `--sql`; runtime queries use parameters instead. */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** `"schema"."name"`, always quoted. */
export function quoteQualified(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

/**
 * The schema and name of a relation as PostgreSQL prints it qualified (`format('%I.%I')`:
 * `public.reading_a`, `"Big"."x.y"`), or undefined for text of another shape.
 */
export function parseQualified(sql: string): { schema: string; name: string } | undefined {
  const part = `("(?:[^"]|"")+"|[^".\\s]+)`;
  const m = new RegExp(`^${part}\\.${part}$`).exec(sql);
  if (!m) return undefined;
  const unquote = (s: string) => (s.startsWith('"') ? s.slice(1, -1).replace(/""/g, '"') : s);
  return { schema: unquote(m[1]!), name: unquote(m[2]!) };
}
