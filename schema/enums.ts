import { pgEnum } from 'drizzle-orm/pg-core';

// Labels are the UPPERCASE Python member names that SQLAlchemy stored, in the order the
// SmartEM Alembic chain created them (order matters to PostgreSQL's enum comparison).

export const acquisitionstatus = pgEnum('acquisitionstatus', [
  'PLANNED',
  'STARTED',
  'COMPLETED',
  'PAUSED',
  'ABANDONED',
]);

export const gridstatus = pgEnum('gridstatus', [
  'NONE',
  'SCAN_STARTED',
  'SCAN_COMPLETED',
  'GRID_SQUARES_DECISION_STARTED',
  'GRID_SQUARES_DECISION_COMPLETED',
]);

// The baseline omits REGISTERED although the backend sets it (smartem-schema.md §7.1); it is to be
// added by a later migration, never folded into the baseline.
export const gridsquarestatus = pgEnum('gridsquarestatus', [
  'NONE',
  'FOIL_HOLES_DECISION_STARTED',
  'FOIL_HOLES_DECISION_COMPLETED',
]);

export const foilholestatus = pgEnum('foilholestatus', ['NONE', 'MICROGRAPHS_DETECTED']);

export const micrographstatus = pgEnum('micrographstatus', [
  'NONE',
  'MOTION_CORRECTION_STARTED',
  'MOTION_CORRECTION_COMPLETED',
  'CTF_STARTED',
  'CTF_COMPLETED',
  'PARTICLE_PICKING_STARTED',
  'PARTICLE_PICKING_COMPLETED',
  'PARTICLE_SELECTION_STARTED',
  'PARTICLE_SELECTION_COMPLETED',
]);

/** Not a database type: `qualitypredictionmodel.level` is a plain varchar constrained only in TypeScript. */
export const modelLevels = ['GRIDSQUARE', 'FOILHOLE', 'FOILHOLEGROUP'] as const;
export type ModelLevel = (typeof modelLevels)[number];
