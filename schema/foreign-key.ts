import { foreignKey, index, type AnyPgColumn } from 'drizzle-orm/pg-core';

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

/**
 * The index behind a foreign key, `ix_<table>_<column>[_<column>...]`: without it, a join from the
 * parent (`db.query` with `with`) and every delete of a parent row scan the whole table. Further
 * columns serve an order as well, e.g. the newest prediction of a foil hole.
 *
 * @example fkeyIndex('micrograph', t.foilholeUuid)
 */
export function fkeyIndex(table: string, column: AnyPgColumn, ...then: AnyPgColumn[]) {
  return index(['ix', table, column.name, ...then.map((c) => c.name)].join('_')).on(column, ...then);
}
