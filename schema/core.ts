import { boolean, doublePrecision, index, integer, pgTable, timestamp, varchar } from 'drizzle-orm/pg-core';
import { acquisitionstatus, foilholestatus, gridsquarestatus, gridstatus, micrographstatus } from './enums.js';
import { fkey, fkeyIndex } from './foreign-key.js';

// The acquisition -> grid -> gridsquare -> foilhole -> micrograph hierarchy. Primary keys are
// client-supplied varchar uuids; every parent link is a nullable varchar foreign key.

export const acquisition = pgTable('acquisition', {
  uuid: varchar('uuid').primaryKey(),
  id: varchar('id'),
  name: varchar('name').notNull().default('Unknown'),
  status: acquisitionstatus('status').default('PLANNED'),
  startTime: timestamp('start_time'),
  endTime: timestamp('end_time'),
  pausedTime: timestamp('paused_time'),
  storagePath: varchar('storage_path'),
  atlasPath: varchar('atlas_path'),
  clusteringMode: varchar('clustering_mode'),
  clusteringRadius: varchar('clustering_radius'),
  instrumentModel: varchar('instrument_model'),
  instrumentId: varchar('instrument_id'),
  computerName: varchar('computer_name'),
});

export const grid = pgTable(
  'grid',
  {
    uuid: varchar('uuid').primaryKey(),
    acquisitionUuid: varchar('acquisition_uuid'),
    status: gridstatus('status').default('NONE'),
    name: varchar('name').notNull(),
    dataDir: varchar('data_dir'),
    atlasDir: varchar('atlas_dir'),
    scanStartTime: timestamp('scan_start_time'),
    scanEndTime: timestamp('scan_end_time'),
    // NOT NULL with no database default: the application supplies the time.
    predictionUpdatedTime: timestamp('prediction_updated_time')
      .notNull()
      .$defaultFn(() => new Date()),
  },
  (t) => [fkey('grid', t.acquisitionUuid, acquisition.uuid), fkeyIndex('grid', t.acquisitionUuid)],
);

export const gridsquare = pgTable(
  'gridsquare',
  {
    uuid: varchar('uuid').primaryKey(),
    gridUuid: varchar('grid_uuid'),
    status: gridsquarestatus('status').default('NONE'),
    gridsquareId: varchar('gridsquare_id').notNull().default(''),
    dataDir: varchar('data_dir'),
    atlasNodeId: integer('atlas_node_id'),
    state: varchar('state'),
    rotation: doublePrecision('rotation'),
    imagePath: varchar('image_path'),
    selected: boolean('selected'),
    unusable: boolean('unusable'),
    stagePositionX: doublePrecision('stage_position_x'),
    stagePositionY: doublePrecision('stage_position_y'),
    stagePositionZ: doublePrecision('stage_position_z'),
    centerX: integer('center_x'),
    centerY: integer('center_y'),
    physicalX: doublePrecision('physical_x'),
    physicalY: doublePrecision('physical_y'),
    sizeWidth: integer('size_width'),
    sizeHeight: integer('size_height'),
    acquisitionDatetime: timestamp('acquisition_datetime'),
    defocus: doublePrecision('defocus'),
    magnification: doublePrecision('magnification'),
    pixelSize: doublePrecision('pixel_size'),
    detectorName: varchar('detector_name'),
    appliedDefocus: doublePrecision('applied_defocus'),
  },
  (t) => [fkey('gridsquare', t.gridUuid, grid.uuid), fkeyIndex('gridsquare', t.gridUuid)],
);

export const foilhole = pgTable(
  'foilhole',
  {
    uuid: varchar('uuid').primaryKey(),
    foilholeId: varchar('foilhole_id').notNull().default(''),
    gridsquareUuid: varchar('gridsquare_uuid'),
    gridsquareId: varchar('gridsquare_id'),
    status: foilholestatus('status').default('NONE'),
    centerX: doublePrecision('center_x'),
    centerY: doublePrecision('center_y'),
    quality: doublePrecision('quality'),
    rotation: doublePrecision('rotation'),
    sizeWidth: doublePrecision('size_width'),
    sizeHeight: doublePrecision('size_height'),
    xLocation: integer('x_location'),
    yLocation: integer('y_location'),
    xStagePosition: doublePrecision('x_stage_position'),
    yStagePosition: doublePrecision('y_stage_position'),
    diameter: integer('diameter'),
    isNearGridBar: boolean('is_near_grid_bar').notNull().default(false),
  },
  (t) => [fkey('foilhole', t.gridsquareUuid, gridsquare.uuid), fkeyIndex('foilhole', t.gridsquareUuid)],
);

export const micrograph = pgTable(
  'micrograph',
  {
    uuid: varchar('uuid').primaryKey(),
    micrographId: varchar('micrograph_id').notNull().default(''),
    foilholeUuid: varchar('foilhole_uuid'),
    foilholeId: varchar('foilhole_id').notNull().default(''),
    locationId: varchar('location_id'),
    status: micrographstatus('status').default('NONE'),
    highResPath: varchar('high_res_path'),
    manifestFile: varchar('manifest_file'),
    acquisitionDatetime: timestamp('acquisition_datetime'),
    defocus: doublePrecision('defocus'),
    detectorName: varchar('detector_name'),
    energyFilter: boolean('energy_filter'),
    phasePlate: boolean('phase_plate'),
    imageSizeX: integer('image_size_x'),
    imageSizeY: integer('image_size_y'),
    binningX: integer('binning_x'),
    binningY: integer('binning_y'),
    totalMotion: doublePrecision('total_motion'),
    averageMotion: doublePrecision('average_motion'),
    ctfMaxResolutionEstimate: doublePrecision('ctf_max_resolution_estimate'),
    numberOfParticlesSelected: integer('number_of_particles_selected'),
    numberOfParticlesRejected: integer('number_of_particles_rejected'),
    selectionDistribution: varchar('selection_distribution'),
    numberOfParticlesPicked: integer('number_of_particles_picked'),
    pickDistribution: varchar('pick_distribution'),
    updatedAt: timestamp('updated_at'),
  },
  (t) => [
    fkey('micrograph', t.foilholeUuid, foilhole.uuid),
    fkeyIndex('micrograph', t.foilholeUuid),
    index('ix_micrograph_updated_at').on(t.updatedAt),
  ],
);
