// smartem-db/zod: zod schemas of every SmartEM table, made from the Drizzle model by drizzle-zod, so
// the backend validates its API input against the same model the migrations come from. For each
// table: `<table>Select` (a row as read), `<table>Insert` (a row to insert: defaults and
// nullable columns optional) and `<table>Update` (every column optional). Needs zod and drizzle-zod.
import { createInsertSchema, createSelectSchema, createUpdateSchema } from 'drizzle-zod';
import { acquisition, grid, gridsquare, foilhole, micrograph } from './core.js';
import { atlas, atlastile, atlastilegridsquareposition } from './atlas.js';
import { foilholegroup, foilholegroupmembership } from './foilhole-groups.js';
import {
  qualitypredictionmodel,
  qualitymetric,
  qualitymetricstatistics,
  qualitypredictionmodelparameter,
  qualitypredictionmodelweight,
  currentqualitypredictionmodelweight,
  qualityprediction,
  currentqualityprediction,
  overallqualityprediction,
  qualitygroupprediction,
  currentqualitygroupprediction,
} from './quality.js';
import { agentsession, agentinstruction, agentconnection, agentinstructionacknowledgement, agentlog } from './agent.js';

export const acquisitionSelect = createSelectSchema(acquisition);
export const acquisitionInsert = createInsertSchema(acquisition);
export const acquisitionUpdate = createUpdateSchema(acquisition);
export const gridSelect = createSelectSchema(grid);
export const gridInsert = createInsertSchema(grid);
export const gridUpdate = createUpdateSchema(grid);
export const gridsquareSelect = createSelectSchema(gridsquare);
export const gridsquareInsert = createInsertSchema(gridsquare);
export const gridsquareUpdate = createUpdateSchema(gridsquare);
export const foilholeSelect = createSelectSchema(foilhole);
export const foilholeInsert = createInsertSchema(foilhole);
export const foilholeUpdate = createUpdateSchema(foilhole);
export const micrographSelect = createSelectSchema(micrograph);
export const micrographInsert = createInsertSchema(micrograph);
export const micrographUpdate = createUpdateSchema(micrograph);

export const atlasSelect = createSelectSchema(atlas);
export const atlasInsert = createInsertSchema(atlas);
export const atlasUpdate = createUpdateSchema(atlas);
export const atlastileSelect = createSelectSchema(atlastile);
export const atlastileInsert = createInsertSchema(atlastile);
export const atlastileUpdate = createUpdateSchema(atlastile);
export const atlastilegridsquarepositionSelect = createSelectSchema(atlastilegridsquareposition);
export const atlastilegridsquarepositionInsert = createInsertSchema(atlastilegridsquareposition);
export const atlastilegridsquarepositionUpdate = createUpdateSchema(atlastilegridsquareposition);

export const foilholegroupSelect = createSelectSchema(foilholegroup);
export const foilholegroupInsert = createInsertSchema(foilholegroup);
export const foilholegroupUpdate = createUpdateSchema(foilholegroup);
export const foilholegroupmembershipSelect = createSelectSchema(foilholegroupmembership);
export const foilholegroupmembershipInsert = createInsertSchema(foilholegroupmembership);
export const foilholegroupmembershipUpdate = createUpdateSchema(foilholegroupmembership);

export const qualitypredictionmodelSelect = createSelectSchema(qualitypredictionmodel);
export const qualitypredictionmodelInsert = createInsertSchema(qualitypredictionmodel);
export const qualitypredictionmodelUpdate = createUpdateSchema(qualitypredictionmodel);
export const qualitymetricSelect = createSelectSchema(qualitymetric);
export const qualitymetricInsert = createInsertSchema(qualitymetric);
export const qualitymetricUpdate = createUpdateSchema(qualitymetric);
export const qualitymetricstatisticsSelect = createSelectSchema(qualitymetricstatistics);
export const qualitymetricstatisticsInsert = createInsertSchema(qualitymetricstatistics);
export const qualitymetricstatisticsUpdate = createUpdateSchema(qualitymetricstatistics);
export const qualitypredictionmodelparameterSelect = createSelectSchema(qualitypredictionmodelparameter);
export const qualitypredictionmodelparameterInsert = createInsertSchema(qualitypredictionmodelparameter);
export const qualitypredictionmodelparameterUpdate = createUpdateSchema(qualitypredictionmodelparameter);
export const qualitypredictionmodelweightSelect = createSelectSchema(qualitypredictionmodelweight);
export const qualitypredictionmodelweightInsert = createInsertSchema(qualitypredictionmodelweight);
export const qualitypredictionmodelweightUpdate = createUpdateSchema(qualitypredictionmodelweight);
export const currentqualitypredictionmodelweightSelect = createSelectSchema(currentqualitypredictionmodelweight);
export const currentqualitypredictionmodelweightInsert = createInsertSchema(currentqualitypredictionmodelweight);
export const currentqualitypredictionmodelweightUpdate = createUpdateSchema(currentqualitypredictionmodelweight);
export const qualitypredictionSelect = createSelectSchema(qualityprediction);
export const qualitypredictionInsert = createInsertSchema(qualityprediction);
export const qualitypredictionUpdate = createUpdateSchema(qualityprediction);
export const currentqualitypredictionSelect = createSelectSchema(currentqualityprediction);
export const currentqualitypredictionInsert = createInsertSchema(currentqualityprediction);
export const currentqualitypredictionUpdate = createUpdateSchema(currentqualityprediction);
export const overallqualitypredictionSelect = createSelectSchema(overallqualityprediction);
export const overallqualitypredictionInsert = createInsertSchema(overallqualityprediction);
export const overallqualitypredictionUpdate = createUpdateSchema(overallqualityprediction);
export const qualitygrouppredictionSelect = createSelectSchema(qualitygroupprediction);
export const qualitygrouppredictionInsert = createInsertSchema(qualitygroupprediction);
export const qualitygrouppredictionUpdate = createUpdateSchema(qualitygroupprediction);
export const currentqualitygrouppredictionSelect = createSelectSchema(currentqualitygroupprediction);
export const currentqualitygrouppredictionInsert = createInsertSchema(currentqualitygroupprediction);
export const currentqualitygrouppredictionUpdate = createUpdateSchema(currentqualitygroupprediction);

export const agentsessionSelect = createSelectSchema(agentsession);
export const agentsessionInsert = createInsertSchema(agentsession);
export const agentsessionUpdate = createUpdateSchema(agentsession);
export const agentinstructionSelect = createSelectSchema(agentinstruction);
export const agentinstructionInsert = createInsertSchema(agentinstruction);
export const agentinstructionUpdate = createUpdateSchema(agentinstruction);
export const agentconnectionSelect = createSelectSchema(agentconnection);
export const agentconnectionInsert = createInsertSchema(agentconnection);
export const agentconnectionUpdate = createUpdateSchema(agentconnection);
export const agentinstructionacknowledgementSelect = createSelectSchema(agentinstructionacknowledgement);
export const agentinstructionacknowledgementInsert = createInsertSchema(agentinstructionacknowledgement);
export const agentinstructionacknowledgementUpdate = createUpdateSchema(agentinstructionacknowledgement);
export const agentlogSelect = createSelectSchema(agentlog);
export const agentlogInsert = createInsertSchema(agentlog);
export const agentlogUpdate = createUpdateSchema(agentlog);
