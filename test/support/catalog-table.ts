import type { Table } from '../../src/catalog/catalog.js';

/** A plain table of the catalog, empty but for what `extra` gives it. */
export const catalogTable = (name: string, extra: Partial<Table> = {}): Table => ({
  schema: 'public',
  name,
  columns: [],
  constraints: [],
  foreignKeys: [],
  indexes: [],
  partitionBy: null,
  comment: null,
  ...extra,
});
