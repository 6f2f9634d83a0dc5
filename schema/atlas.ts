import { integer, pgTable, primaryKey, timestamp, varchar } from 'drizzle-orm/pg-core';
import { grid, gridsquare } from './core.js';
import { fkey, fkeyIndex } from './foreign-key.js';

// Atlas images of a grid, their tiles, and where each grid square sits on a tile (m:n).

export const atlas = pgTable(
  'atlas',
  {
    uuid: varchar('uuid').primaryKey(),
    atlasId: varchar('atlas_id').notNull().default(''),
    gridUuid: varchar('grid_uuid'),
    acquisitionDate: timestamp('acquisition_date'),
    storageFolder: varchar('storage_folder'),
    description: varchar('description'),
    name: varchar('name').notNull().default(''),
  },
  (t) => [fkey('atlas', t.gridUuid, grid.uuid), fkeyIndex('atlas', t.gridUuid)],
);

export const atlastile = pgTable(
  'atlastile',
  {
    uuid: varchar('uuid').primaryKey(),
    atlasUuid: varchar('atlas_uuid'),
    tileId: varchar('tile_id').notNull().default(''),
    positionX: integer('position_x'),
    positionY: integer('position_y'),
    sizeX: integer('size_x'),
    sizeY: integer('size_y'),
    fileFormat: varchar('file_format'),
    baseFilename: varchar('base_filename'),
  },
  (t) => [fkey('atlastile', t.atlasUuid, atlas.uuid), fkeyIndex('atlastile', t.atlasUuid)],
);

export const atlastilegridsquareposition = pgTable(
  'atlastilegridsquareposition',
  {
    atlastileUuid: varchar('atlastile_uuid').notNull(),
    gridsquareUuid: varchar('gridsquare_uuid').notNull(),
    centerX: integer('center_x').notNull(),
    centerY: integer('center_y').notNull(),
    sizeWidth: integer('size_width').notNull(),
    sizeHeight: integer('size_height').notNull(),
  },
  (t) => [
    primaryKey({ name: 'atlastilegridsquareposition_pkey', columns: [t.atlastileUuid, t.gridsquareUuid] }),
    fkey('atlastilegridsquareposition', t.atlastileUuid, atlastile.uuid),
    fkey('atlastilegridsquareposition', t.gridsquareUuid, gridsquare.uuid),
    fkeyIndex('atlastilegridsquareposition', t.gridsquareUuid),
  ],
);
