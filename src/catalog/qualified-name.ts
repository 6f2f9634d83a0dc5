/**
 * The one way smartem-db names an object inside a database: `schema.name` (and `schema.table.column`
 * for a column), unquoted. It is both the key objects are compared by and the name messages show;
 * SQL always quotes through sql/quote.ts instead.
 *
 * @example qualifiedName('public', 'grid', 'uuid') // 'public.grid.uuid'
 */
export function qualifiedName(schema: string, name: string, ...more: string[]): string {
  return [schema, name, ...more].join('.');
}

/** The qualified name of anything with a schema and a name (tables, enums, sequences, views). */
export function keyOf(object: { schema: string; name: string }): string {
  return qualifiedName(object.schema, object.name);
}
