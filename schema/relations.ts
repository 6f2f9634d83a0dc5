import { relations } from 'drizzle-orm';
import { agentconnection, agentinstruction, agentinstructionacknowledgement, agentlog, agentsession } from './agent.js';
import { atlas, atlastile, atlastilegridsquareposition } from './atlas.js';
import { acquisition, foilhole, grid, gridsquare, micrograph } from './core.js';
import { foilholegroup, foilholegroupmembership } from './foilhole-groups.js';
import {
  currentqualitygroupprediction,
  currentqualityprediction,
  currentqualitypredictionmodelweight,
  overallqualityprediction,
  qualitygroupprediction,
  qualitymetric,
  qualitymetricstatistics,
  qualityprediction,
  qualitypredictionmodel,
  qualitypredictionmodelparameter,
  qualitypredictionmodelweight,
} from './quality.js';

// Relations for Drizzle's relational queries (db.query.grid.findMany({ with: { gridsquares: true } })).
// They exist only in TypeScript: the database has the foreign keys, not these.

export const acquisitionRelations = relations(acquisition, ({ many }) => ({
  grids: many(grid),
  agentSessions: many(agentsession),
}));

export const gridRelations = relations(grid, ({ one, many }) => ({
  acquisition: one(acquisition, { fields: [grid.acquisitionUuid], references: [acquisition.uuid] }),
  gridsquares: many(gridsquare),
  atlases: many(atlas),
  foilholeGroups: many(foilholegroup),
  metricStatistics: many(qualitymetricstatistics),
  modelParameters: many(qualitypredictionmodelparameter),
  modelWeights: many(qualitypredictionmodelweight),
  currentModelWeights: many(currentqualitypredictionmodelweight),
  currentPredictions: many(currentqualityprediction),
  overallPredictions: many(overallqualityprediction),
  groupPredictions: many(qualitygroupprediction),
  currentGroupPredictions: many(currentqualitygroupprediction),
}));

export const gridsquareRelations = relations(gridsquare, ({ one, many }) => ({
  grid: one(grid, { fields: [gridsquare.gridUuid], references: [grid.uuid] }),
  foilholes: many(foilhole),
  atlasTilePositions: many(atlastilegridsquareposition),
  predictions: many(qualityprediction),
  currentPredictions: many(currentqualityprediction),
  overallPredictions: many(overallqualityprediction),
}));

export const foilholeRelations = relations(foilhole, ({ one, many }) => ({
  gridsquare: one(gridsquare, { fields: [foilhole.gridsquareUuid], references: [gridsquare.uuid] }),
  micrographs: many(micrograph),
  groupMemberships: many(foilholegroupmembership),
  predictions: many(qualityprediction),
  currentPredictions: many(currentqualityprediction),
  overallPredictions: many(overallqualityprediction),
}));

export const micrographRelations = relations(micrograph, ({ one, many }) => ({
  foilhole: one(foilhole, { fields: [micrograph.foilholeUuid], references: [foilhole.uuid] }),
  modelWeights: many(qualitypredictionmodelweight),
}));

export const atlasRelations = relations(atlas, ({ one, many }) => ({
  grid: one(grid, { fields: [atlas.gridUuid], references: [grid.uuid] }),
  tiles: many(atlastile),
}));

export const atlastileRelations = relations(atlastile, ({ one, many }) => ({
  atlas: one(atlas, { fields: [atlastile.atlasUuid], references: [atlas.uuid] }),
  gridsquarePositions: many(atlastilegridsquareposition),
}));

export const atlastilegridsquarepositionRelations = relations(atlastilegridsquareposition, ({ one }) => ({
  atlastile: one(atlastile, { fields: [atlastilegridsquareposition.atlastileUuid], references: [atlastile.uuid] }),
  gridsquare: one(gridsquare, { fields: [atlastilegridsquareposition.gridsquareUuid], references: [gridsquare.uuid] }),
}));

export const foilholegroupRelations = relations(foilholegroup, ({ one, many }) => ({
  grid: one(grid, { fields: [foilholegroup.gridUuid], references: [grid.uuid] }),
  memberships: many(foilholegroupmembership),
  predictions: many(qualitygroupprediction),
  currentPredictions: many(currentqualitygroupprediction),
}));

export const foilholegroupmembershipRelations = relations(foilholegroupmembership, ({ one }) => ({
  group: one(foilholegroup, { fields: [foilholegroupmembership.groupUuid], references: [foilholegroup.uuid] }),
  foilhole: one(foilhole, { fields: [foilholegroupmembership.foilholeUuid], references: [foilhole.uuid] }),
}));

// Quality tables point at grid, model and metric, and each of those lists them back.
export const qualitypredictionmodelRelations = relations(qualitypredictionmodel, ({ many }) => ({
  parameters: many(qualitypredictionmodelparameter),
  weights: many(qualitypredictionmodelweight),
  currentWeights: many(currentqualitypredictionmodelweight),
  predictions: many(qualityprediction),
  currentPredictions: many(currentqualityprediction),
  groupPredictions: many(qualitygroupprediction),
  currentGroupPredictions: many(currentqualitygroupprediction),
}));

export const qualitymetricRelations = relations(qualitymetric, ({ many }) => ({
  statistics: many(qualitymetricstatistics),
  parameters: many(qualitypredictionmodelparameter),
  weights: many(qualitypredictionmodelweight),
  currentWeights: many(currentqualitypredictionmodelweight),
  predictions: many(qualityprediction),
  currentPredictions: many(currentqualityprediction),
  groupPredictions: many(qualitygroupprediction),
  currentGroupPredictions: many(currentqualitygroupprediction),
}));

export const qualitymetricstatisticsRelations = relations(qualitymetricstatistics, ({ one }) => ({
  metric: one(qualitymetric, { fields: [qualitymetricstatistics.name], references: [qualitymetric.name] }),
  grid: one(grid, { fields: [qualitymetricstatistics.gridUuid], references: [grid.uuid] }),
}));

export const qualitypredictionmodelparameterRelations = relations(qualitypredictionmodelparameter, ({ one }) => ({
  grid: one(grid, { fields: [qualitypredictionmodelparameter.gridUuid], references: [grid.uuid] }),
  model: one(qualitypredictionmodel, {
    fields: [qualitypredictionmodelparameter.predictionModelName],
    references: [qualitypredictionmodel.name],
  }),
  metric: one(qualitymetric, {
    fields: [qualitypredictionmodelparameter.metricName],
    references: [qualitymetric.name],
  }),
}));

export const qualitypredictionmodelweightRelations = relations(qualitypredictionmodelweight, ({ one }) => ({
  grid: one(grid, { fields: [qualitypredictionmodelweight.gridUuid], references: [grid.uuid] }),
  micrograph: one(micrograph, { fields: [qualitypredictionmodelweight.micrographUuid], references: [micrograph.uuid] }),
  model: one(qualitypredictionmodel, {
    fields: [qualitypredictionmodelweight.predictionModelName],
    references: [qualitypredictionmodel.name],
  }),
  metric: one(qualitymetric, { fields: [qualitypredictionmodelweight.metricName], references: [qualitymetric.name] }),
}));

export const currentqualitypredictionmodelweightRelations = relations(
  currentqualitypredictionmodelweight,
  ({ one }) => ({
    grid: one(grid, { fields: [currentqualitypredictionmodelweight.gridUuid], references: [grid.uuid] }),
    model: one(qualitypredictionmodel, {
      fields: [currentqualitypredictionmodelweight.predictionModelName],
      references: [qualitypredictionmodel.name],
    }),
    metric: one(qualitymetric, {
      fields: [currentqualitypredictionmodelweight.metricName],
      references: [qualitymetric.name],
    }),
  }),
);

export const qualitypredictionRelations = relations(qualityprediction, ({ one }) => ({
  model: one(qualitypredictionmodel, {
    fields: [qualityprediction.predictionModelName],
    references: [qualitypredictionmodel.name],
  }),
  foilhole: one(foilhole, { fields: [qualityprediction.foilholeUuid], references: [foilhole.uuid] }),
  gridsquare: one(gridsquare, { fields: [qualityprediction.gridsquareUuid], references: [gridsquare.uuid] }),
  metric: one(qualitymetric, { fields: [qualityprediction.metricName], references: [qualitymetric.name] }),
}));

export const currentqualitypredictionRelations = relations(currentqualityprediction, ({ one }) => ({
  grid: one(grid, { fields: [currentqualityprediction.gridUuid], references: [grid.uuid] }),
  model: one(qualitypredictionmodel, {
    fields: [currentqualityprediction.predictionModelName],
    references: [qualitypredictionmodel.name],
  }),
  metric: one(qualitymetric, { fields: [currentqualityprediction.metricName], references: [qualitymetric.name] }),
  foilhole: one(foilhole, { fields: [currentqualityprediction.foilholeUuid], references: [foilhole.uuid] }),
  gridsquare: one(gridsquare, { fields: [currentqualityprediction.gridsquareUuid], references: [gridsquare.uuid] }),
}));

export const overallqualitypredictionRelations = relations(overallqualityprediction, ({ one }) => ({
  foilhole: one(foilhole, { fields: [overallqualityprediction.foilholeUuid], references: [foilhole.uuid] }),
  grid: one(grid, { fields: [overallqualityprediction.gridUuid], references: [grid.uuid] }),
  gridsquare: one(gridsquare, { fields: [overallqualityprediction.gridsquareUuid], references: [gridsquare.uuid] }),
}));

export const qualitygrouppredictionRelations = relations(qualitygroupprediction, ({ one }) => ({
  group: one(foilholegroup, { fields: [qualitygroupprediction.groupUuid], references: [foilholegroup.uuid] }),
  grid: one(grid, { fields: [qualitygroupprediction.gridUuid], references: [grid.uuid] }),
  model: one(qualitypredictionmodel, {
    fields: [qualitygroupprediction.predictionModelName],
    references: [qualitypredictionmodel.name],
  }),
  metric: one(qualitymetric, { fields: [qualitygroupprediction.metricName], references: [qualitymetric.name] }),
}));

export const currentqualitygrouppredictionRelations = relations(currentqualitygroupprediction, ({ one }) => ({
  group: one(foilholegroup, { fields: [currentqualitygroupprediction.groupUuid], references: [foilholegroup.uuid] }),
  grid: one(grid, { fields: [currentqualitygroupprediction.gridUuid], references: [grid.uuid] }),
  model: one(qualitypredictionmodel, {
    fields: [currentqualitygroupprediction.predictionModelName],
    references: [qualitypredictionmodel.name],
  }),
  metric: one(qualitymetric, { fields: [currentqualitygroupprediction.metricName], references: [qualitymetric.name] }),
}));

export const agentsessionRelations = relations(agentsession, ({ one, many }) => ({
  acquisition: one(acquisition, { fields: [agentsession.acquisitionUuid], references: [acquisition.uuid] }),
  instructions: many(agentinstruction),
  connections: many(agentconnection),
  logs: many(agentlog),
}));

// Not a foreign key in the database (agent logs may arrive for a session not yet recorded), but
// the same session id: the relational API can still follow it.
export const agentlogRelations = relations(agentlog, ({ one }) => ({
  session: one(agentsession, { fields: [agentlog.sessionId], references: [agentsession.sessionId] }),
}));

export const agentinstructionRelations = relations(agentinstruction, ({ one, many }) => ({
  session: one(agentsession, { fields: [agentinstruction.sessionId], references: [agentsession.sessionId] }),
  acknowledgements: many(agentinstructionacknowledgement),
}));

export const agentconnectionRelations = relations(agentconnection, ({ one }) => ({
  session: one(agentsession, { fields: [agentconnection.sessionId], references: [agentsession.sessionId] }),
}));

export const agentinstructionacknowledgementRelations = relations(agentinstructionacknowledgement, ({ one }) => ({
  instruction: one(agentinstruction, {
    fields: [agentinstructionacknowledgement.instructionId],
    references: [agentinstruction.instructionId],
  }),
}));
