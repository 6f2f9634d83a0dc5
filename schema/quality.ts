import {
  boolean,
  doublePrecision,
  integer,
  pgTable,
  primaryKey,
  serial,
  timestamp,
  varchar,
} from 'drizzle-orm/pg-core';
import { foilhole, grid, gridsquare, micrograph } from './core.js';
import { modelLevels } from './enums.js';
import { fkey, fkeyIndex } from './foreign-key.js';
import { foilholegroup } from './foilhole-groups.js';

// Quality prediction: models and metrics (varchar natural keys), their parameters and weights
// per grid, and predictions per foil hole, grid square or foil-hole group. History tables carry a
// `timestamp` that the application sets (no database default); `current*` tables hold the latest.

const now = () => new Date();

export const qualitypredictionmodel = pgTable('qualitypredictionmodel', {
  name: varchar('name').primaryKey(),
  description: varchar('description').notNull().default(''),
  // A plain varchar in the database (the chain never created the `modellevel` type).
  level: varchar('level', { enum: modelLevels }),
  canTrain: boolean('can_train').notNull().default(false),
  canInfer: boolean('can_infer').notNull().default(true),
  canUpdate: boolean('can_update').notNull().default(false),
});

export const qualitymetric = pgTable('qualitymetric', {
  name: varchar('name').primaryKey(),
  description: varchar('description')
    .notNull()
    .$defaultFn(() => ''),
});

export const qualitymetricstatistics = pgTable(
  'qualitymetricstatistics',
  {
    name: varchar('name').notNull(),
    gridUuid: varchar('grid_uuid').notNull(),
    count: integer('count').notNull(),
    valueSum: doublePrecision('value_sum').notNull(),
    squaredValueSum: doublePrecision('squared_value_sum').notNull(),
  },
  (t) => [
    primaryKey({ name: 'qualitymetricstatistics_pkey', columns: [t.name, t.gridUuid] }),
    fkey('qualitymetricstatistics', t.name, qualitymetric.name),
    fkey('qualitymetricstatistics', t.gridUuid, grid.uuid),
    fkeyIndex('qualitymetricstatistics', t.gridUuid),
  ],
);

export const qualitypredictionmodelparameter = pgTable(
  'qualitypredictionmodelparameter',
  {
    id: serial('id').primaryKey(),
    gridUuid: varchar('grid_uuid').notNull(),
    timestamp: timestamp('timestamp').notNull().$defaultFn(now),
    predictionModelName: varchar('prediction_model_name').notNull(),
    key: varchar('key').notNull(),
    value: doublePrecision('value').notNull(),
    group: varchar('group').notNull().default(''),
    metricName: varchar('metric_name'),
  },
  (t) => [
    fkey('qualitypredictionmodelparameter', t.gridUuid, grid.uuid),
    fkeyIndex('qualitypredictionmodelparameter', t.gridUuid),
    fkey('qualitypredictionmodelparameter', t.predictionModelName, qualitypredictionmodel.name),
    fkey('qualitypredictionmodelparameter', t.metricName, qualitymetric.name),
  ],
);

export const qualitypredictionmodelweight = pgTable(
  'qualitypredictionmodelweight',
  {
    id: serial('id').primaryKey(),
    gridUuid: varchar('grid_uuid').notNull(),
    micrographUuid: varchar('micrograph_uuid'),
    micrographQuality: boolean('micrograph_quality'),
    timestamp: timestamp('timestamp').notNull().$defaultFn(now),
    predictionModelName: varchar('prediction_model_name').notNull(),
    weight: doublePrecision('weight').notNull(),
    metricName: varchar('metric_name'),
    predictionValue: doublePrecision('prediction_value'),
    qualityScore: doublePrecision('quality_score'),
  },
  (t) => [
    fkey('qualitypredictionmodelweight', t.gridUuid, grid.uuid),
    fkeyIndex('qualitypredictionmodelweight', t.gridUuid),
    fkey('qualitypredictionmodelweight', t.micrographUuid, micrograph.uuid),
    fkeyIndex('qualitypredictionmodelweight', t.micrographUuid),
    fkey('qualitypredictionmodelweight', t.predictionModelName, qualitypredictionmodel.name),
    fkey('qualitypredictionmodelweight', t.metricName, qualitymetric.name),
  ],
);

export const currentqualitypredictionmodelweight = pgTable(
  'currentqualitypredictionmodelweight',
  {
    id: serial('id').primaryKey(),
    gridUuid: varchar('grid_uuid').notNull(),
    predictionModelName: varchar('prediction_model_name').notNull(),
    metricName: varchar('metric_name'),
    weight: doublePrecision('weight').notNull(),
  },
  (t) => [
    fkey('currentqualitypredictionmodelweight', t.gridUuid, grid.uuid),
    fkeyIndex('currentqualitypredictionmodelweight', t.gridUuid),
    fkey('currentqualitypredictionmodelweight', t.predictionModelName, qualitypredictionmodel.name),
    fkey('currentqualitypredictionmodelweight', t.metricName, qualitymetric.name),
  ],
);

export const qualityprediction = pgTable(
  'qualityprediction',
  {
    id: serial('id').primaryKey(),
    timestamp: timestamp('timestamp').notNull().$defaultFn(now),
    value: doublePrecision('value').notNull(),
    predictionModelName: varchar('prediction_model_name').notNull(),
    // Targets a foil hole or a grid square; the baseline has no CHECK that exactly one is set.
    foilholeUuid: varchar('foilhole_uuid'),
    gridsquareUuid: varchar('gridsquare_uuid'),
    metricName: varchar('metric_name'),
  },
  (t) => [
    fkey('qualityprediction', t.predictionModelName, qualitypredictionmodel.name),
    fkey('qualityprediction', t.foilholeUuid, foilhole.uuid),
    fkeyIndex('qualityprediction', t.foilholeUuid, t.timestamp),
    fkey('qualityprediction', t.gridsquareUuid, gridsquare.uuid),
    fkeyIndex('qualityprediction', t.gridsquareUuid, t.timestamp),
    fkey('qualityprediction', t.metricName, qualitymetric.name),
  ],
);

export const currentqualityprediction = pgTable(
  'currentqualityprediction',
  {
    id: serial('id').primaryKey(),
    gridUuid: varchar('grid_uuid').notNull(),
    value: doublePrecision('value').notNull(),
    predictionModelName: varchar('prediction_model_name').notNull(),
    metricName: varchar('metric_name'),
    foilholeUuid: varchar('foilhole_uuid'),
    gridsquareUuid: varchar('gridsquare_uuid'),
  },
  (t) => [
    fkey('currentqualityprediction', t.gridUuid, grid.uuid),
    fkeyIndex('currentqualityprediction', t.gridUuid),
    fkey('currentqualityprediction', t.predictionModelName, qualitypredictionmodel.name),
    fkey('currentqualityprediction', t.metricName, qualitymetric.name),
    fkey('currentqualityprediction', t.foilholeUuid, foilhole.uuid),
    fkeyIndex('currentqualityprediction', t.foilholeUuid),
    fkey('currentqualityprediction', t.gridsquareUuid, gridsquare.uuid),
    fkeyIndex('currentqualityprediction', t.gridsquareUuid),
  ],
);

export const overallqualityprediction = pgTable(
  'overallqualityprediction',
  {
    id: serial('id').primaryKey(),
    value: doublePrecision('value').notNull(),
    foilholeUuid: varchar('foilhole_uuid').notNull(),
    gridUuid: varchar('grid_uuid').notNull(),
    gridsquareUuid: varchar('gridsquare_uuid').notNull(),
    suggestedAcquisitionIndex: integer('suggested_acquisition_index').notNull(),
  },
  (t) => [
    fkey('overallqualityprediction', t.foilholeUuid, foilhole.uuid),
    fkeyIndex('overallqualityprediction', t.foilholeUuid),
    fkey('overallqualityprediction', t.gridUuid, grid.uuid),
    fkeyIndex('overallqualityprediction', t.gridUuid),
    fkey('overallqualityprediction', t.gridsquareUuid, gridsquare.uuid),
    fkeyIndex('overallqualityprediction', t.gridsquareUuid),
  ],
);

export const qualitygroupprediction = pgTable(
  'qualitygroupprediction',
  {
    id: serial('id').primaryKey(),
    timestamp: timestamp('timestamp').notNull().$defaultFn(now),
    groupUuid: varchar('group_uuid').notNull(),
    gridUuid: varchar('grid_uuid').notNull(),
    value: doublePrecision('value').notNull(),
    predictionModelName: varchar('prediction_model_name').notNull(),
    metricName: varchar('metric_name'),
  },
  (t) => [
    fkey('qualitygroupprediction', t.groupUuid, foilholegroup.uuid),
    fkeyIndex('qualitygroupprediction', t.groupUuid),
    fkey('qualitygroupprediction', t.gridUuid, grid.uuid),
    fkeyIndex('qualitygroupprediction', t.gridUuid),
    fkey('qualitygroupprediction', t.predictionModelName, qualitypredictionmodel.name),
    fkey('qualitygroupprediction', t.metricName, qualitymetric.name),
  ],
);

export const currentqualitygroupprediction = pgTable(
  'currentqualitygroupprediction',
  {
    id: serial('id').primaryKey(),
    groupUuid: varchar('group_uuid').notNull(),
    gridUuid: varchar('grid_uuid').notNull(),
    value: doublePrecision('value').notNull(),
    predictionModelName: varchar('prediction_model_name').notNull(),
    metricName: varchar('metric_name'),
  },
  (t) => [
    fkey('currentqualitygroupprediction', t.groupUuid, foilholegroup.uuid),
    fkeyIndex('currentqualitygroupprediction', t.groupUuid),
    fkey('currentqualitygroupprediction', t.gridUuid, grid.uuid),
    fkeyIndex('currentqualitygroupprediction', t.gridUuid),
    fkey('currentqualitygroupprediction', t.predictionModelName, qualitypredictionmodel.name),
    fkey('currentqualitygroupprediction', t.metricName, qualitymetric.name),
  ],
);
