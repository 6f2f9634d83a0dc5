-- smartem-db migration 2026_11_22_0656-001_smartem_baseline (down)
-- parent: none
-- transaction: yes
ALTER TABLE "public"."qualitypredictionmodelweight" DROP CONSTRAINT "qualitypredictionmodelweight_prediction_model_name_fkey";
ALTER TABLE "public"."qualitypredictionmodelweight" DROP CONSTRAINT "qualitypredictionmodelweight_micrograph_uuid_fkey";
ALTER TABLE "public"."qualitypredictionmodelweight" DROP CONSTRAINT "qualitypredictionmodelweight_metric_name_fkey";
ALTER TABLE "public"."qualitypredictionmodelweight" DROP CONSTRAINT "qualitypredictionmodelweight_grid_uuid_fkey";
ALTER TABLE "public"."qualitypredictionmodelparameter" DROP CONSTRAINT "qualitypredictionmodelparameter_prediction_model_name_fkey";
ALTER TABLE "public"."qualitypredictionmodelparameter" DROP CONSTRAINT "qualitypredictionmodelparameter_metric_name_fkey";
ALTER TABLE "public"."qualitypredictionmodelparameter" DROP CONSTRAINT "qualitypredictionmodelparameter_grid_uuid_fkey";
ALTER TABLE "public"."qualityprediction" DROP CONSTRAINT "qualityprediction_prediction_model_name_fkey";
ALTER TABLE "public"."qualityprediction" DROP CONSTRAINT "qualityprediction_metric_name_fkey";
ALTER TABLE "public"."qualityprediction" DROP CONSTRAINT "qualityprediction_gridsquare_uuid_fkey";
ALTER TABLE "public"."qualityprediction" DROP CONSTRAINT "qualityprediction_foilhole_uuid_fkey";
ALTER TABLE "public"."qualitymetricstatistics" DROP CONSTRAINT "qualitymetricstatistics_name_fkey";
ALTER TABLE "public"."qualitymetricstatistics" DROP CONSTRAINT "qualitymetricstatistics_grid_uuid_fkey";
ALTER TABLE "public"."qualitygroupprediction" DROP CONSTRAINT "qualitygroupprediction_prediction_model_name_fkey";
ALTER TABLE "public"."qualitygroupprediction" DROP CONSTRAINT "qualitygroupprediction_metric_name_fkey";
ALTER TABLE "public"."qualitygroupprediction" DROP CONSTRAINT "qualitygroupprediction_group_uuid_fkey";
ALTER TABLE "public"."qualitygroupprediction" DROP CONSTRAINT "qualitygroupprediction_grid_uuid_fkey";
ALTER TABLE "public"."overallqualityprediction" DROP CONSTRAINT "overallqualityprediction_gridsquare_uuid_fkey";
ALTER TABLE "public"."overallqualityprediction" DROP CONSTRAINT "overallqualityprediction_grid_uuid_fkey";
ALTER TABLE "public"."overallqualityprediction" DROP CONSTRAINT "overallqualityprediction_foilhole_uuid_fkey";
ALTER TABLE "public"."micrograph" DROP CONSTRAINT "micrograph_foilhole_uuid_fkey";
ALTER TABLE "public"."gridsquare" DROP CONSTRAINT "gridsquare_grid_uuid_fkey";
ALTER TABLE "public"."grid" DROP CONSTRAINT "grid_acquisition_uuid_fkey";
ALTER TABLE "public"."foilholegroupmembership" DROP CONSTRAINT "foilholegroupmembership_group_uuid_fkey";
ALTER TABLE "public"."foilholegroupmembership" DROP CONSTRAINT "foilholegroupmembership_foilhole_uuid_fkey";
ALTER TABLE "public"."foilholegroup" DROP CONSTRAINT "foilholegroup_grid_uuid_fkey";
ALTER TABLE "public"."foilhole" DROP CONSTRAINT "foilhole_gridsquare_uuid_fkey";
ALTER TABLE "public"."currentqualitypredictionmodelweight" DROP CONSTRAINT "currentqualitypredictionmodelweight_prediction_model_name_fkey";
ALTER TABLE "public"."currentqualitypredictionmodelweight" DROP CONSTRAINT "currentqualitypredictionmodelweight_metric_name_fkey";
ALTER TABLE "public"."currentqualitypredictionmodelweight" DROP CONSTRAINT "currentqualitypredictionmodelweight_grid_uuid_fkey";
ALTER TABLE "public"."currentqualityprediction" DROP CONSTRAINT "currentqualityprediction_prediction_model_name_fkey";
ALTER TABLE "public"."currentqualityprediction" DROP CONSTRAINT "currentqualityprediction_metric_name_fkey";
ALTER TABLE "public"."currentqualityprediction" DROP CONSTRAINT "currentqualityprediction_gridsquare_uuid_fkey";
ALTER TABLE "public"."currentqualityprediction" DROP CONSTRAINT "currentqualityprediction_grid_uuid_fkey";
ALTER TABLE "public"."currentqualityprediction" DROP CONSTRAINT "currentqualityprediction_foilhole_uuid_fkey";
ALTER TABLE "public"."currentqualitygroupprediction" DROP CONSTRAINT "currentqualitygroupprediction_prediction_model_name_fkey";
ALTER TABLE "public"."currentqualitygroupprediction" DROP CONSTRAINT "currentqualitygroupprediction_metric_name_fkey";
ALTER TABLE "public"."currentqualitygroupprediction" DROP CONSTRAINT "currentqualitygroupprediction_group_uuid_fkey";
ALTER TABLE "public"."currentqualitygroupprediction" DROP CONSTRAINT "currentqualitygroupprediction_grid_uuid_fkey";
ALTER TABLE "public"."atlastilegridsquareposition" DROP CONSTRAINT "atlastilegridsquareposition_gridsquare_uuid_fkey";
ALTER TABLE "public"."atlastilegridsquareposition" DROP CONSTRAINT "atlastilegridsquareposition_atlastile_uuid_fkey";
ALTER TABLE "public"."atlastile" DROP CONSTRAINT "atlastile_atlas_uuid_fkey";
ALTER TABLE "public"."atlas" DROP CONSTRAINT "atlas_grid_uuid_fkey";
ALTER TABLE "public"."agentsession" DROP CONSTRAINT "agentsession_acquisition_uuid_fkey";
ALTER TABLE "public"."agentinstructionacknowledgement" DROP CONSTRAINT "agentinstructionacknowledgement_instruction_id_fkey";
ALTER TABLE "public"."agentinstruction" DROP CONSTRAINT "agentinstruction_session_id_fkey";
ALTER TABLE "public"."agentconnection" DROP CONSTRAINT "agentconnection_session_id_fkey";
ALTER SEQUENCE "public"."qualitypredictionmodelweight_id_seq" OWNED BY NONE;
ALTER SEQUENCE "public"."qualitypredictionmodelparameter_id_seq" OWNED BY NONE;
ALTER SEQUENCE "public"."qualityprediction_id_seq" OWNED BY NONE;
ALTER SEQUENCE "public"."qualitygroupprediction_id_seq" OWNED BY NONE;
ALTER SEQUENCE "public"."overallqualityprediction_id_seq" OWNED BY NONE;
ALTER SEQUENCE "public"."currentqualitypredictionmodelweight_id_seq" OWNED BY NONE;
ALTER SEQUENCE "public"."currentqualityprediction_id_seq" OWNED BY NONE;
ALTER SEQUENCE "public"."currentqualitygroupprediction_id_seq" OWNED BY NONE;
ALTER SEQUENCE "public"."agentsession_id_seq" OWNED BY NONE;
ALTER SEQUENCE "public"."agentlog_id_seq" OWNED BY NONE;
ALTER SEQUENCE "public"."agentinstruction_id_seq" OWNED BY NONE;
ALTER SEQUENCE "public"."agentconnection_id_seq" OWNED BY NONE;
DROP INDEX "public"."ix_micrograph_updated_at";
DROP INDEX "public"."ix_agentsession_status";
DROP INDEX "public"."ix_agentsession_session_id";
DROP INDEX "public"."ix_agentsession_last_activity_at";
DROP INDEX "public"."ix_agentsession_created_at";
DROP INDEX "public"."ix_agentsession_agent_id";
DROP INDEX "public"."ix_agentsession_acquisition_uuid";
DROP INDEX "public"."ix_agentlog_timestamp";
DROP INDEX "public"."ix_agentlog_session_id";
DROP INDEX "public"."ix_agentlog_level";
DROP INDEX "public"."ix_agentlog_agent_id_id";
DROP INDEX "public"."ix_agentlog_agent_id";
DROP INDEX "public"."ix_agentinstructionacknowledgement_status";
DROP INDEX "public"."ix_agentinstructionacknowledgement_session_id";
DROP INDEX "public"."ix_agentinstructionacknowledgement_processed_at";
DROP INDEX "public"."ix_agentinstructionacknowledgement_instruction_id";
DROP INDEX "public"."ix_agentinstructionacknowledgement_created_at";
DROP INDEX "public"."ix_agentinstructionacknowledgement_agent_id";
DROP INDEX "public"."ix_agentinstruction_status";
DROP INDEX "public"."ix_agentinstruction_session_id";
DROP INDEX "public"."ix_agentinstruction_sequence_number";
DROP INDEX "public"."ix_agentinstruction_sent_at";
DROP INDEX "public"."ix_agentinstruction_priority";
DROP INDEX "public"."ix_agentinstruction_instruction_type";
DROP INDEX "public"."ix_agentinstruction_instruction_id";
DROP INDEX "public"."ix_agentinstruction_expires_at";
DROP INDEX "public"."ix_agentinstruction_created_at";
DROP INDEX "public"."ix_agentinstruction_agent_id";
DROP INDEX "public"."ix_agentinstruction_acknowledged_at";
DROP INDEX "public"."ix_agentconnection_status";
DROP INDEX "public"."ix_agentconnection_session_id";
DROP INDEX "public"."ix_agentconnection_last_heartbeat_at";
DROP INDEX "public"."ix_agentconnection_created_at";
DROP INDEX "public"."ix_agentconnection_connection_id";
DROP INDEX "public"."ix_agentconnection_agent_id";
-- DATA LOSS: drops table "public"."qualitypredictionmodelweight" and all its rows
DROP TABLE "public"."qualitypredictionmodelweight";
-- DATA LOSS: drops table "public"."qualitypredictionmodelparameter" and all its rows
DROP TABLE "public"."qualitypredictionmodelparameter";
-- DATA LOSS: drops table "public"."qualitypredictionmodel" and all its rows
DROP TABLE "public"."qualitypredictionmodel";
-- DATA LOSS: drops table "public"."qualityprediction" and all its rows
DROP TABLE "public"."qualityprediction";
-- DATA LOSS: drops table "public"."qualitymetricstatistics" and all its rows
DROP TABLE "public"."qualitymetricstatistics";
-- DATA LOSS: drops table "public"."qualitymetric" and all its rows
DROP TABLE "public"."qualitymetric";
-- DATA LOSS: drops table "public"."qualitygroupprediction" and all its rows
DROP TABLE "public"."qualitygroupprediction";
-- DATA LOSS: drops table "public"."overallqualityprediction" and all its rows
DROP TABLE "public"."overallqualityprediction";
-- DATA LOSS: drops table "public"."micrograph" and all its rows
DROP TABLE "public"."micrograph";
-- DATA LOSS: drops table "public"."gridsquare" and all its rows
DROP TABLE "public"."gridsquare";
-- DATA LOSS: drops table "public"."grid" and all its rows
DROP TABLE "public"."grid";
-- DATA LOSS: drops table "public"."foilholegroupmembership" and all its rows
DROP TABLE "public"."foilholegroupmembership";
-- DATA LOSS: drops table "public"."foilholegroup" and all its rows
DROP TABLE "public"."foilholegroup";
-- DATA LOSS: drops table "public"."foilhole" and all its rows
DROP TABLE "public"."foilhole";
-- DATA LOSS: drops table "public"."currentqualitypredictionmodelweight" and all its rows
DROP TABLE "public"."currentqualitypredictionmodelweight";
-- DATA LOSS: drops table "public"."currentqualityprediction" and all its rows
DROP TABLE "public"."currentqualityprediction";
-- DATA LOSS: drops table "public"."currentqualitygroupprediction" and all its rows
DROP TABLE "public"."currentqualitygroupprediction";
-- DATA LOSS: drops table "public"."atlastilegridsquareposition" and all its rows
DROP TABLE "public"."atlastilegridsquareposition";
-- DATA LOSS: drops table "public"."atlastile" and all its rows
DROP TABLE "public"."atlastile";
-- DATA LOSS: drops table "public"."atlas" and all its rows
DROP TABLE "public"."atlas";
-- DATA LOSS: drops table "public"."agentsession" and all its rows
DROP TABLE "public"."agentsession";
-- DATA LOSS: drops table "public"."agentlog" and all its rows
DROP TABLE "public"."agentlog";
-- DATA LOSS: drops table "public"."agentinstructionacknowledgement" and all its rows
DROP TABLE "public"."agentinstructionacknowledgement";
-- DATA LOSS: drops table "public"."agentinstruction" and all its rows
DROP TABLE "public"."agentinstruction";
-- DATA LOSS: drops table "public"."agentconnection" and all its rows
DROP TABLE "public"."agentconnection";
-- DATA LOSS: drops table "public"."acquisition" and all its rows
DROP TABLE "public"."acquisition";
DROP SEQUENCE "public"."qualitypredictionmodelweight_id_seq";
DROP SEQUENCE "public"."qualitypredictionmodelparameter_id_seq";
DROP SEQUENCE "public"."qualityprediction_id_seq";
DROP SEQUENCE "public"."qualitygroupprediction_id_seq";
DROP SEQUENCE "public"."overallqualityprediction_id_seq";
DROP SEQUENCE "public"."currentqualitypredictionmodelweight_id_seq";
DROP SEQUENCE "public"."currentqualityprediction_id_seq";
DROP SEQUENCE "public"."currentqualitygroupprediction_id_seq";
DROP SEQUENCE "public"."agentsession_id_seq";
DROP SEQUENCE "public"."agentlog_id_seq";
DROP SEQUENCE "public"."agentinstruction_id_seq";
DROP SEQUENCE "public"."agentconnection_id_seq";
DROP TYPE "public"."micrographstatus";
DROP TYPE "public"."gridstatus";
DROP TYPE "public"."gridsquarestatus";
DROP TYPE "public"."foilholestatus";
DROP TYPE "public"."acquisitionstatus";
