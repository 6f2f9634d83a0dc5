/** Quotes a PostgreSQL identifier (always, so case and reserved words survive). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quotes a string literal for SQL printed by `--sql`; runtime queries use parameters instead. */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
