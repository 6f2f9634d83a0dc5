-- smartem-db migration 2026_12_07_0930-002_index_foreign_keys (down)
-- parent: 2026_11_22_0656-001_smartem_baseline
-- transaction: no
-- No transaction: the online form (the default; --plain writes the transactional one) builds indexes
-- CONCURRENTLY, validates constraints and backfills in steps, or it uses an enum value it adds, which
-- PostgreSQL allows only once committed. Each statement commits on its own; if one fails, smartem-db
-- status says which, and upgrade --resume goes on from there.

DROP INDEX CONCURRENTLY "public"."ix_qualitypredictionmodelweight_micrograph_uuid";
DROP INDEX CONCURRENTLY "public"."ix_qualitypredictionmodelweight_grid_uuid";
DROP INDEX CONCURRENTLY "public"."ix_qualitypredictionmodelparameter_grid_uuid";
DROP INDEX CONCURRENTLY "public"."ix_qualityprediction_gridsquare_uuid_timestamp";
DROP INDEX CONCURRENTLY "public"."ix_qualityprediction_foilhole_uuid_timestamp";
DROP INDEX CONCURRENTLY "public"."ix_qualitymetricstatistics_grid_uuid";
DROP INDEX CONCURRENTLY "public"."ix_qualitygroupprediction_group_uuid";
DROP INDEX CONCURRENTLY "public"."ix_qualitygroupprediction_grid_uuid";
DROP INDEX CONCURRENTLY "public"."ix_overallqualityprediction_gridsquare_uuid";
DROP INDEX CONCURRENTLY "public"."ix_overallqualityprediction_grid_uuid";
DROP INDEX CONCURRENTLY "public"."ix_overallqualityprediction_foilhole_uuid";
DROP INDEX CONCURRENTLY "public"."ix_micrograph_foilhole_uuid";
DROP INDEX CONCURRENTLY "public"."ix_gridsquare_grid_uuid";
DROP INDEX CONCURRENTLY "public"."ix_grid_acquisition_uuid";
DROP INDEX CONCURRENTLY "public"."ix_foilholegroupmembership_foilhole_uuid";
DROP INDEX CONCURRENTLY "public"."ix_foilholegroup_grid_uuid";
DROP INDEX CONCURRENTLY "public"."ix_foilhole_gridsquare_uuid";
DROP INDEX CONCURRENTLY "public"."ix_currentqualitypredictionmodelweight_grid_uuid";
DROP INDEX CONCURRENTLY "public"."ix_currentqualityprediction_gridsquare_uuid";
DROP INDEX CONCURRENTLY "public"."ix_currentqualityprediction_grid_uuid";
DROP INDEX CONCURRENTLY "public"."ix_currentqualityprediction_foilhole_uuid";
DROP INDEX CONCURRENTLY "public"."ix_currentqualitygroupprediction_group_uuid";
DROP INDEX CONCURRENTLY "public"."ix_currentqualitygroupprediction_grid_uuid";
DROP INDEX CONCURRENTLY "public"."ix_atlastilegridsquareposition_gridsquare_uuid";
DROP INDEX CONCURRENTLY "public"."ix_atlastile_atlas_uuid";
DROP INDEX CONCURRENTLY "public"."ix_atlas_grid_uuid";
CREATE INDEX CONCURRENTLY ix_agentlog_agent_id ON public.agentlog USING btree (agent_id);
