import type {
  agentconnection,
  agentinstruction,
  agentinstructionacknowledgement,
  agentlog,
  agentsession,
} from './agent.js';
import type { atlas, atlastile, atlastilegridsquareposition } from './atlas.js';
import type { acquisition, foilhole, grid, gridsquare, micrograph } from './core.js';
import type { foilholegroup, foilholegroupmembership } from './foilhole-groups.js';
import type {
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

// A row of each table as read (`Micrograph`) and as inserted (`NewMicrograph`), named as the SmartEM
// backend's SQLModel classes are; the tables themselves carry their PostgreSQL names.

export type Acquisition = typeof acquisition.$inferSelect;
export type NewAcquisition = typeof acquisition.$inferInsert;
export type Grid = typeof grid.$inferSelect;
export type NewGrid = typeof grid.$inferInsert;
export type GridSquare = typeof gridsquare.$inferSelect;
export type NewGridSquare = typeof gridsquare.$inferInsert;
export type FoilHole = typeof foilhole.$inferSelect;
export type NewFoilHole = typeof foilhole.$inferInsert;
export type Micrograph = typeof micrograph.$inferSelect;
export type NewMicrograph = typeof micrograph.$inferInsert;

export type Atlas = typeof atlas.$inferSelect;
export type NewAtlas = typeof atlas.$inferInsert;
export type AtlasTile = typeof atlastile.$inferSelect;
export type NewAtlasTile = typeof atlastile.$inferInsert;
export type AtlasTileGridSquarePosition = typeof atlastilegridsquareposition.$inferSelect;
export type NewAtlasTileGridSquarePosition = typeof atlastilegridsquareposition.$inferInsert;

export type FoilHoleGroup = typeof foilholegroup.$inferSelect;
export type NewFoilHoleGroup = typeof foilholegroup.$inferInsert;
export type FoilHoleGroupMembership = typeof foilholegroupmembership.$inferSelect;
export type NewFoilHoleGroupMembership = typeof foilholegroupmembership.$inferInsert;

export type QualityPredictionModel = typeof qualitypredictionmodel.$inferSelect;
export type NewQualityPredictionModel = typeof qualitypredictionmodel.$inferInsert;
export type QualityMetric = typeof qualitymetric.$inferSelect;
export type NewQualityMetric = typeof qualitymetric.$inferInsert;
export type QualityMetricStatistics = typeof qualitymetricstatistics.$inferSelect;
export type NewQualityMetricStatistics = typeof qualitymetricstatistics.$inferInsert;
export type QualityPredictionModelParameter = typeof qualitypredictionmodelparameter.$inferSelect;
export type NewQualityPredictionModelParameter = typeof qualitypredictionmodelparameter.$inferInsert;
export type QualityPredictionModelWeight = typeof qualitypredictionmodelweight.$inferSelect;
export type NewQualityPredictionModelWeight = typeof qualitypredictionmodelweight.$inferInsert;
export type CurrentQualityPredictionModelWeight = typeof currentqualitypredictionmodelweight.$inferSelect;
export type NewCurrentQualityPredictionModelWeight = typeof currentqualitypredictionmodelweight.$inferInsert;
export type QualityPrediction = typeof qualityprediction.$inferSelect;
export type NewQualityPrediction = typeof qualityprediction.$inferInsert;
export type CurrentQualityPrediction = typeof currentqualityprediction.$inferSelect;
export type NewCurrentQualityPrediction = typeof currentqualityprediction.$inferInsert;
export type OverallQualityPrediction = typeof overallqualityprediction.$inferSelect;
export type NewOverallQualityPrediction = typeof overallqualityprediction.$inferInsert;
export type QualityGroupPrediction = typeof qualitygroupprediction.$inferSelect;
export type NewQualityGroupPrediction = typeof qualitygroupprediction.$inferInsert;
export type CurrentQualityGroupPrediction = typeof currentqualitygroupprediction.$inferSelect;
export type NewCurrentQualityGroupPrediction = typeof currentqualitygroupprediction.$inferInsert;

export type AgentSession = typeof agentsession.$inferSelect;
export type NewAgentSession = typeof agentsession.$inferInsert;
export type AgentInstruction = typeof agentinstruction.$inferSelect;
export type NewAgentInstruction = typeof agentinstruction.$inferInsert;
export type AgentConnection = typeof agentconnection.$inferSelect;
export type NewAgentConnection = typeof agentconnection.$inferInsert;
export type AgentInstructionAcknowledgement = typeof agentinstructionacknowledgement.$inferSelect;
export type NewAgentInstructionAcknowledgement = typeof agentinstructionacknowledgement.$inferInsert;
export type AgentLog = typeof agentlog.$inferSelect;
export type NewAgentLog = typeof agentlog.$inferInsert;
