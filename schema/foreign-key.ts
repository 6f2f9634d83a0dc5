import { foreignKey, type AnyPgColumn } from 'drizzle-orm/pg-core';

/**
 * A single-column foreign key named the way PostgreSQL names an unnamed one
 * (`<table>_<column>_fkey`), which is what the SmartEM database has. Drizzle's own default name
 * (`<table>_<col>_<ref>_<refcol>_fk`) would show up as drift against every existing database.
 * ON DELETE / ON UPDATE stay NO ACTION: the SmartEM chain removed every database-level cascade.
 *
 * @example fkey('grid', t.acquisitionUuid, acquisition.uuid)
 */
export function fkey(table: string, column: AnyPgColumn, references: AnyPgColumn) {
  return foreignKey({ name: `${table}_${column.name}_fkey`, columns: [column], foreignColumns: [references] });
}
