-- smartem-db migration 2026_11_22_0500-001_smartem_baseline (up)
-- parent: none
-- transaction: yes
-- The SmartEM schema at the head of its Alembic chain (c4d5e6f7a8b9), from schema/.
-- An existing SmartEM database adopts smartem-db with `smartem-db stamp 001`, not by running this.
CREATE TYPE "public"."acquisitionstatus" AS ENUM('PLANNED', 'STARTED', 'COMPLETED', 'PAUSED', 'ABANDONED');
CREATE TYPE "public"."foilholestatus" AS ENUM('NONE', 'MICROGRAPHS_DETECTED');
CREATE TYPE "public"."gridsquarestatus" AS ENUM('NONE', 'FOIL_HOLES_DECISION_STARTED', 'FOIL_HOLES_DECISION_COMPLETED');
CREATE TYPE "public"."gridstatus" AS ENUM('NONE', 'SCAN_STARTED', 'SCAN_COMPLETED', 'GRID_SQUARES_DECISION_STARTED', 'GRID_SQUARES_DECISION_COMPLETED');
CREATE TYPE "public"."micrographstatus" AS ENUM('NONE', 'MOTION_CORRECTION_STARTED', 'MOTION_CORRECTION_COMPLETED', 'CTF_STARTED', 'CTF_COMPLETED', 'PARTICLE_PICKING_STARTED', 'PARTICLE_PICKING_COMPLETED', 'PARTICLE_SELECTION_STARTED', 'PARTICLE_SELECTION_COMPLETED');
CREATE SEQUENCE "public"."agentconnection_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;
CREATE SEQUENCE "public"."agentinstruction_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;
CREATE SEQUENCE "public"."agentsession_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;
CREATE TABLE "acquisition" (
	"uuid" varchar PRIMARY KEY NOT NULL,
	"id" varchar,
	"name" varchar DEFAULT 'Unknown' NOT NULL,
	"status" "acquisitionstatus" DEFAULT 'PLANNED',
	"start_time" timestamp,
	"end_time" timestamp,
	"paused_time" timestamp,
	"storage_path" varchar,
	"atlas_path" varchar,
	"clustering_mode" varchar,
	"clustering_radius" varchar,
	"instrument_model" varchar,
	"instrument_id" varchar,
	"computer_name" varchar
);
CREATE TABLE "agentconnection" (
	"id" integer PRIMARY KEY DEFAULT nextval('agentconnection_id_seq'::regclass) NOT NULL,
	"connection_id" varchar NOT NULL,
	"session_id" varchar NOT NULL,
	"agent_id" varchar NOT NULL,
	"connection_type" varchar DEFAULT 'sse' NOT NULL,
	"client_info" jsonb,
	"status" varchar DEFAULT 'active' NOT NULL,
	"created_at" timestamp DEFAULT now() NOT NULL,
	"last_heartbeat_at" timestamp DEFAULT now() NOT NULL,
	"closed_at" timestamp,
	"close_reason" varchar
);
CREATE TABLE "agentinstruction" (
	"id" integer PRIMARY KEY DEFAULT nextval('agentinstruction_id_seq'::regclass) NOT NULL,
	"instruction_id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"session_id" varchar NOT NULL,
	"agent_id" varchar NOT NULL,
	"instruction_type" varchar NOT NULL,
	"payload" jsonb,
	"sequence_number" integer,
	"priority" varchar DEFAULT 'normal' NOT NULL,
	"status" varchar DEFAULT 'pending' NOT NULL,
	"created_at" timestamp DEFAULT now() NOT NULL,
	"sent_at" timestamp,
	"acknowledged_at" timestamp,
	"expires_at" timestamp,
	"retry_count" integer DEFAULT 0 NOT NULL,
	"max_retries" integer DEFAULT 3 NOT NULL,
	"instruction_metadata" jsonb
);
CREATE TABLE "agentinstructionacknowledgement" (
	"acknowledgement_id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"instruction_id" uuid NOT NULL,
	"agent_id" varchar NOT NULL,
	"session_id" varchar NOT NULL,
	"status" varchar NOT NULL,
	"result" varchar,
	"error_message" varchar,
	"processing_time_ms" integer,
	"acknowledgement_metadata" jsonb,
	"created_at" timestamp DEFAULT now() NOT NULL,
	"processed_at" timestamp
);
CREATE TABLE "agentlog" (
	"id" serial PRIMARY KEY NOT NULL,
	"agent_id" varchar NOT NULL,
	"session_id" varchar NOT NULL,
	"timestamp" timestamp NOT NULL,
	"level" varchar NOT NULL,
	"logger_name" varchar NOT NULL,
	"message" varchar NOT NULL,
	"created_at" timestamp NOT NULL
);
CREATE TABLE "agentsession" (
	"id" integer PRIMARY KEY DEFAULT nextval('agentsession_id_seq'::regclass) NOT NULL,
	"session_id" varchar NOT NULL,
	"agent_id" varchar NOT NULL,
	"acquisition_uuid" varchar,
	"name" varchar,
	"description" varchar,
	"experimental_parameters" jsonb,
	"status" varchar DEFAULT 'active' NOT NULL,
	"created_at" timestamp DEFAULT now() NOT NULL,
	"started_at" timestamp,
	"ended_at" timestamp,
	"last_activity_at" timestamp DEFAULT now() NOT NULL
);
CREATE TABLE "atlas" (
	"uuid" varchar PRIMARY KEY NOT NULL,
	"atlas_id" varchar DEFAULT '' NOT NULL,
	"grid_uuid" varchar,
	"acquisition_date" timestamp,
	"storage_folder" varchar,
	"description" varchar,
	"name" varchar DEFAULT '' NOT NULL
);
CREATE TABLE "atlastile" (
	"uuid" varchar PRIMARY KEY NOT NULL,
	"atlas_uuid" varchar,
	"tile_id" varchar DEFAULT '' NOT NULL,
	"position_x" integer,
	"position_y" integer,
	"size_x" integer,
	"size_y" integer,
	"file_format" varchar,
	"base_filename" varchar
);
CREATE TABLE "atlastilegridsquareposition" (
	"atlastile_uuid" varchar NOT NULL,
	"gridsquare_uuid" varchar NOT NULL,
	"center_x" integer NOT NULL,
	"center_y" integer NOT NULL,
	"size_width" integer NOT NULL,
	"size_height" integer NOT NULL,
	CONSTRAINT "atlastilegridsquareposition_pkey" PRIMARY KEY("atlastile_uuid","gridsquare_uuid")
);
CREATE TABLE "currentqualitygroupprediction" (
	"id" serial PRIMARY KEY NOT NULL,
	"group_uuid" varchar NOT NULL,
	"grid_uuid" varchar NOT NULL,
	"value" double precision NOT NULL,
	"prediction_model_name" varchar NOT NULL,
	"metric_name" varchar
);
CREATE TABLE "currentqualityprediction" (
	"id" serial PRIMARY KEY NOT NULL,
	"grid_uuid" varchar NOT NULL,
	"value" double precision NOT NULL,
	"prediction_model_name" varchar NOT NULL,
	"metric_name" varchar,
	"foilhole_uuid" varchar,
	"gridsquare_uuid" varchar
);
CREATE TABLE "currentqualitypredictionmodelweight" (
	"id" serial PRIMARY KEY NOT NULL,
	"grid_uuid" varchar NOT NULL,
	"prediction_model_name" varchar NOT NULL,
	"metric_name" varchar,
	"weight" double precision NOT NULL
);
CREATE TABLE "foilhole" (
	"uuid" varchar PRIMARY KEY NOT NULL,
	"foilhole_id" varchar DEFAULT '' NOT NULL,
	"gridsquare_uuid" varchar,
	"gridsquare_id" varchar,
	"status" "foilholestatus" DEFAULT 'NONE',
	"center_x" double precision,
	"center_y" double precision,
	"quality" double precision,
	"rotation" double precision,
	"size_width" double precision,
	"size_height" double precision,
	"x_location" integer,
	"y_location" integer,
	"x_stage_position" double precision,
	"y_stage_position" double precision,
	"diameter" integer,
	"is_near_grid_bar" boolean DEFAULT false NOT NULL
);
CREATE TABLE "foilholegroup" (
	"uuid" varchar PRIMARY KEY NOT NULL,
	"grid_uuid" varchar NOT NULL,
	"name" varchar
);
CREATE TABLE "foilholegroupmembership" (
	"group_uuid" varchar NOT NULL,
	"foilhole_uuid" varchar NOT NULL,
	CONSTRAINT "foilholegroupmembership_pkey" PRIMARY KEY("group_uuid","foilhole_uuid")
);
CREATE TABLE "grid" (
	"uuid" varchar PRIMARY KEY NOT NULL,
	"acquisition_uuid" varchar,
	"status" "gridstatus" DEFAULT 'NONE',
	"name" varchar NOT NULL,
	"data_dir" varchar,
	"atlas_dir" varchar,
	"scan_start_time" timestamp,
	"scan_end_time" timestamp,
	"prediction_updated_time" timestamp NOT NULL
);
CREATE TABLE "gridsquare" (
	"uuid" varchar PRIMARY KEY NOT NULL,
	"grid_uuid" varchar,
	"status" "gridsquarestatus" DEFAULT 'NONE',
	"gridsquare_id" varchar DEFAULT '' NOT NULL,
	"data_dir" varchar,
	"atlas_node_id" integer,
	"state" varchar,
	"rotation" double precision,
	"image_path" varchar,
	"selected" boolean,
	"unusable" boolean,
	"stage_position_x" double precision,
	"stage_position_y" double precision,
	"stage_position_z" double precision,
	"center_x" integer,
	"center_y" integer,
	"physical_x" double precision,
	"physical_y" double precision,
	"size_width" integer,
	"size_height" integer,
	"acquisition_datetime" timestamp,
	"defocus" double precision,
	"magnification" double precision,
	"pixel_size" double precision,
	"detector_name" varchar,
	"applied_defocus" double precision
);
CREATE TABLE "micrograph" (
	"uuid" varchar PRIMARY KEY NOT NULL,
	"micrograph_id" varchar DEFAULT '' NOT NULL,
	"foilhole_uuid" varchar,
	"foilhole_id" varchar DEFAULT '' NOT NULL,
	"location_id" varchar,
	"status" "micrographstatus" DEFAULT 'NONE',
	"high_res_path" varchar,
	"manifest_file" varchar,
	"acquisition_datetime" timestamp,
	"defocus" double precision,
	"detector_name" varchar,
	"energy_filter" boolean,
	"phase_plate" boolean,
	"image_size_x" integer,
	"image_size_y" integer,
	"binning_x" integer,
	"binning_y" integer,
	"total_motion" double precision,
	"average_motion" double precision,
	"ctf_max_resolution_estimate" double precision,
	"number_of_particles_selected" integer,
	"number_of_particles_rejected" integer,
	"selection_distribution" varchar,
	"number_of_particles_picked" integer,
	"pick_distribution" varchar,
	"updated_at" timestamp
);
CREATE TABLE "overallqualityprediction" (
	"id" serial PRIMARY KEY NOT NULL,
	"value" double precision NOT NULL,
	"foilhole_uuid" varchar NOT NULL,
	"grid_uuid" varchar NOT NULL,
	"gridsquare_uuid" varchar NOT NULL,
	"suggested_acquisition_index" integer NOT NULL
);
CREATE TABLE "qualitygroupprediction" (
	"id" serial PRIMARY KEY NOT NULL,
	"timestamp" timestamp NOT NULL,
	"group_uuid" varchar NOT NULL,
	"grid_uuid" varchar NOT NULL,
	"value" double precision NOT NULL,
	"prediction_model_name" varchar NOT NULL,
	"metric_name" varchar
);
CREATE TABLE "qualitymetric" (
	"name" varchar PRIMARY KEY NOT NULL,
	"description" varchar NOT NULL
);
CREATE TABLE "qualitymetricstatistics" (
	"name" varchar NOT NULL,
	"grid_uuid" varchar NOT NULL,
	"count" integer NOT NULL,
	"value_sum" double precision NOT NULL,
	"squared_value_sum" double precision NOT NULL,
	CONSTRAINT "qualitymetricstatistics_pkey" PRIMARY KEY("name","grid_uuid")
);
CREATE TABLE "qualityprediction" (
	"id" serial PRIMARY KEY NOT NULL,
	"timestamp" timestamp NOT NULL,
	"value" double precision NOT NULL,
	"prediction_model_name" varchar NOT NULL,
	"foilhole_uuid" varchar,
	"gridsquare_uuid" varchar,
	"metric_name" varchar
);
CREATE TABLE "qualitypredictionmodel" (
	"name" varchar PRIMARY KEY NOT NULL,
	"description" varchar DEFAULT '' NOT NULL,
	"level" varchar,
	"can_train" boolean DEFAULT false NOT NULL,
	"can_infer" boolean DEFAULT true NOT NULL,
	"can_update" boolean DEFAULT false NOT NULL
);
CREATE TABLE "qualitypredictionmodelparameter" (
	"id" serial PRIMARY KEY NOT NULL,
	"grid_uuid" varchar NOT NULL,
	"timestamp" timestamp NOT NULL,
	"prediction_model_name" varchar NOT NULL,
	"key" varchar NOT NULL,
	"value" double precision NOT NULL,
	"group" varchar DEFAULT '' NOT NULL,
	"metric_name" varchar
);
CREATE TABLE "qualitypredictionmodelweight" (
	"id" serial PRIMARY KEY NOT NULL,
	"grid_uuid" varchar NOT NULL,
	"micrograph_uuid" varchar,
	"micrograph_quality" boolean,
	"timestamp" timestamp NOT NULL,
	"prediction_model_name" varchar NOT NULL,
	"weight" double precision NOT NULL,
	"metric_name" varchar,
	"prediction_value" double precision,
	"quality_score" double precision
);
CREATE UNIQUE INDEX "ix_agentconnection_connection_id" ON "agentconnection" USING btree ("connection_id");
CREATE INDEX "ix_agentconnection_agent_id" ON "agentconnection" USING btree ("agent_id");
CREATE INDEX "ix_agentconnection_created_at" ON "agentconnection" USING btree ("created_at");
CREATE INDEX "ix_agentconnection_last_heartbeat_at" ON "agentconnection" USING btree ("last_heartbeat_at");
CREATE INDEX "ix_agentconnection_session_id" ON "agentconnection" USING btree ("session_id");
CREATE INDEX "ix_agentconnection_status" ON "agentconnection" USING btree ("status");
CREATE UNIQUE INDEX "ix_agentinstruction_instruction_id" ON "agentinstruction" USING btree ("instruction_id");
CREATE INDEX "ix_agentinstruction_acknowledged_at" ON "agentinstruction" USING btree ("acknowledged_at");
CREATE INDEX "ix_agentinstruction_agent_id" ON "agentinstruction" USING btree ("agent_id");
CREATE INDEX "ix_agentinstruction_created_at" ON "agentinstruction" USING btree ("created_at");
CREATE INDEX "ix_agentinstruction_expires_at" ON "agentinstruction" USING btree ("expires_at");
CREATE INDEX "ix_agentinstruction_instruction_type" ON "agentinstruction" USING btree ("instruction_type");
CREATE INDEX "ix_agentinstruction_priority" ON "agentinstruction" USING btree ("priority");
CREATE INDEX "ix_agentinstruction_sent_at" ON "agentinstruction" USING btree ("sent_at");
CREATE INDEX "ix_agentinstruction_sequence_number" ON "agentinstruction" USING btree ("sequence_number");
CREATE INDEX "ix_agentinstruction_session_id" ON "agentinstruction" USING btree ("session_id");
CREATE INDEX "ix_agentinstruction_status" ON "agentinstruction" USING btree ("status");
CREATE INDEX "ix_agentinstructionacknowledgement_agent_id" ON "agentinstructionacknowledgement" USING btree ("agent_id");
CREATE INDEX "ix_agentinstructionacknowledgement_created_at" ON "agentinstructionacknowledgement" USING btree ("created_at");
CREATE INDEX "ix_agentinstructionacknowledgement_instruction_id" ON "agentinstructionacknowledgement" USING btree ("instruction_id");
CREATE INDEX "ix_agentinstructionacknowledgement_processed_at" ON "agentinstructionacknowledgement" USING btree ("processed_at");
CREATE INDEX "ix_agentinstructionacknowledgement_session_id" ON "agentinstructionacknowledgement" USING btree ("session_id");
CREATE INDEX "ix_agentinstructionacknowledgement_status" ON "agentinstructionacknowledgement" USING btree ("status");
CREATE INDEX "ix_agentlog_agent_id" ON "agentlog" USING btree ("agent_id");
CREATE INDEX "ix_agentlog_session_id" ON "agentlog" USING btree ("session_id");
CREATE INDEX "ix_agentlog_timestamp" ON "agentlog" USING btree ("timestamp");
CREATE INDEX "ix_agentlog_level" ON "agentlog" USING btree ("level");
CREATE INDEX "ix_agentlog_agent_id_id" ON "agentlog" USING btree ("agent_id","id");
CREATE UNIQUE INDEX "ix_agentsession_session_id" ON "agentsession" USING btree ("session_id");
CREATE INDEX "ix_agentsession_acquisition_uuid" ON "agentsession" USING btree ("acquisition_uuid");
CREATE INDEX "ix_agentsession_agent_id" ON "agentsession" USING btree ("agent_id");
CREATE INDEX "ix_agentsession_created_at" ON "agentsession" USING btree ("created_at");
CREATE INDEX "ix_agentsession_last_activity_at" ON "agentsession" USING btree ("last_activity_at");
CREATE INDEX "ix_agentsession_status" ON "agentsession" USING btree ("status");
CREATE INDEX "ix_micrograph_updated_at" ON "micrograph" USING btree ("updated_at");
ALTER TABLE "agentconnection" ADD CONSTRAINT "agentconnection_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "public"."agentsession"("session_id") ON DELETE no action ON UPDATE no action;
ALTER TABLE "agentinstruction" ADD CONSTRAINT "agentinstruction_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "public"."agentsession"("session_id") ON DELETE no action ON UPDATE no action;
ALTER TABLE "agentinstructionacknowledgement" ADD CONSTRAINT "agentinstructionacknowledgement_instruction_id_fkey" FOREIGN KEY ("instruction_id") REFERENCES "public"."agentinstruction"("instruction_id") ON DELETE no action ON UPDATE no action;
ALTER TABLE "agentsession" ADD CONSTRAINT "agentsession_acquisition_uuid_fkey" FOREIGN KEY ("acquisition_uuid") REFERENCES "public"."acquisition"("uuid") ON DELETE no action ON UPDATE no action;
ALTER TABLE "atlas" ADD CONSTRAINT "atlas_grid_uuid_fkey" FOREIGN KEY ("grid_uuid") REFERENCES "public"."grid"("uuid") ON DELETE no action ON UPDATE no action;
ALTER TABLE "atlastile" ADD CONSTRAINT "atlastile_atlas_uuid_fkey" FOREIGN KEY ("atlas_uuid") REFERENCES "public"."atlas"("uuid") ON DELETE no action ON UPDATE no action;
ALTER TABLE "atlastilegridsquareposition" ADD CONSTRAINT "atlastilegridsquareposition_atlastile_uuid_fkey" FOREIGN KEY ("atlastile_uuid") REFERENCES "public"."atlastile"("uuid") ON DELETE no action ON UPDATE no action;
ALTER TABLE "atlastilegridsquareposition" ADD CONSTRAINT "atlastilegridsquareposition_gridsquare_uuid_fkey" FOREIGN KEY ("gridsquare_uuid") REFERENCES "public"."gridsquare"("uuid") ON DELETE no action ON UPDATE no action;
ALTER TABLE "currentqualitygroupprediction" ADD CONSTRAINT "currentqualitygroupprediction_group_uuid_fkey" FOREIGN KEY ("group_uuid") REFERENCES "public"."foilholegroup"("uuid") ON DELETE no action ON UPDATE no action;
ALTER TABLE "currentqualitygroupprediction" ADD CONSTRAINT "currentqualitygroupprediction_grid_uuid_fkey" FOREIGN KEY ("grid_uuid") REFERENCES "public"."grid"("uuid") ON DELETE no action ON UPDATE no action;
ALTER TABLE "currentqualitygroupprediction" ADD CONSTRAINT "currentqualitygroupprediction_prediction_model_name_fkey" FOREIGN KEY ("prediction_model_name") REFERENCES "public"."qualitypredictionmodel"("name") ON DELETE no action ON UPDATE no action;
ALTER TABLE "currentqualitygroupprediction" ADD CONSTRAINT "currentqualitygroupprediction_metric_name_fkey" FOREIGN KEY ("metric_name") REFERENCES "public"."qualitymetric"("name") ON DELETE no action ON UPDATE no action;
ALTER TABLE "currentqualityprediction" ADD CONSTRAINT "currentqualityprediction_grid_uuid_fkey" FOREIGN KEY ("grid_uuid") REFERENCES "public"."grid"("uuid") ON DELETE no action ON UPDATE no action;
ALTER TABLE "currentqualityprediction" ADD CONSTRAINT "currentqualityprediction_prediction_model_name_fkey" FOREIGN KEY ("prediction_model_name") REFERENCES "public"."qualitypredictionmodel"("name") ON DELETE no action ON UPDATE no action;
ALTER TABLE "currentqualityprediction" ADD CONSTRAINT "currentqualityprediction_metric_name_fkey" FOREIGN KEY ("metric_name") REFERENCES "public"."qualitymetric"("name") ON DELETE no action ON UPDATE no action;
ALTER TABLE "currentqualityprediction" ADD CONSTRAINT "currentqualityprediction_foilhole_uuid_fkey" FOREIGN KEY ("foilhole_uuid") REFERENCES "public"."foilhole"("uuid") ON DELETE no action ON UPDATE no action;
ALTER TABLE "currentqualityprediction" ADD CONSTRAINT "currentqualityprediction_gridsquare_uuid_fkey" FOREIGN KEY ("gridsquare_uuid") REFERENCES "public"."gridsquare"("uuid") ON DELETE no action ON UPDATE no action;
ALTER TABLE "currentqualitypredictionmodelweight" ADD CONSTRAINT "currentqualitypredictionmodelweight_grid_uuid_fkey" FOREIGN KEY ("grid_uuid") REFERENCES "public"."grid"("uuid") ON DELETE no action ON UPDATE no action;
ALTER TABLE "currentqualitypredictionmodelweight" ADD CONSTRAINT "currentqualitypredictionmodelweight_prediction_model_name_fkey" FOREIGN KEY ("prediction_model_name") REFERENCES "public"."qualitypredictionmodel"("name") ON DELETE no action ON UPDATE no action;
ALTER TABLE "currentqualitypredictionmodelweight" ADD CONSTRAINT "currentqualitypredictionmodelweight_metric_name_fkey" FOREIGN KEY ("metric_name") REFERENCES "public"."qualitymetric"("name") ON DELETE no action ON UPDATE no action;
ALTER TABLE "foilhole" ADD CONSTRAINT "foilhole_gridsquare_uuid_fkey" FOREIGN KEY ("gridsquare_uuid") REFERENCES "public"."gridsquare"("uuid") ON DELETE no action ON UPDATE no action;
ALTER TABLE "foilholegroup" ADD CONSTRAINT "foilholegroup_grid_uuid_fkey" FOREIGN KEY ("grid_uuid") REFERENCES "public"."grid"("uuid") ON DELETE no action ON UPDATE no action;
ALTER TABLE "foilholegroupmembership" ADD CONSTRAINT "foilholegroupmembership_group_uuid_fkey" FOREIGN KEY ("group_uuid") REFERENCES "public"."foilholegroup"("uuid") ON DELETE no action ON UPDATE no action;
ALTER TABLE "foilholegroupmembership" ADD CONSTRAINT "foilholegroupmembership_foilhole_uuid_fkey" FOREIGN KEY ("foilhole_uuid") REFERENCES "public"."foilhole"("uuid") ON DELETE no action ON UPDATE no action;
ALTER TABLE "grid" ADD CONSTRAINT "grid_acquisition_uuid_fkey" FOREIGN KEY ("acquisition_uuid") REFERENCES "public"."acquisition"("uuid") ON DELETE no action ON UPDATE no action;
ALTER TABLE "gridsquare" ADD CONSTRAINT "gridsquare_grid_uuid_fkey" FOREIGN KEY ("grid_uuid") REFERENCES "public"."grid"("uuid") ON DELETE no action ON UPDATE no action;
ALTER TABLE "micrograph" ADD CONSTRAINT "micrograph_foilhole_uuid_fkey" FOREIGN KEY ("foilhole_uuid") REFERENCES "public"."foilhole"("uuid") ON DELETE no action ON UPDATE no action;
ALTER TABLE "overallqualityprediction" ADD CONSTRAINT "overallqualityprediction_foilhole_uuid_fkey" FOREIGN KEY ("foilhole_uuid") REFERENCES "public"."foilhole"("uuid") ON DELETE no action ON UPDATE no action;
ALTER TABLE "overallqualityprediction" ADD CONSTRAINT "overallqualityprediction_grid_uuid_fkey" FOREIGN KEY ("grid_uuid") REFERENCES "public"."grid"("uuid") ON DELETE no action ON UPDATE no action;
ALTER TABLE "overallqualityprediction" ADD CONSTRAINT "overallqualityprediction_gridsquare_uuid_fkey" FOREIGN KEY ("gridsquare_uuid") REFERENCES "public"."gridsquare"("uuid") ON DELETE no action ON UPDATE no action;
ALTER TABLE "qualitygroupprediction" ADD CONSTRAINT "qualitygroupprediction_group_uuid_fkey" FOREIGN KEY ("group_uuid") REFERENCES "public"."foilholegroup"("uuid") ON DELETE no action ON UPDATE no action;
ALTER TABLE "qualitygroupprediction" ADD CONSTRAINT "qualitygroupprediction_grid_uuid_fkey" FOREIGN KEY ("grid_uuid") REFERENCES "public"."grid"("uuid") ON DELETE no action ON UPDATE no action;
ALTER TABLE "qualitygroupprediction" ADD CONSTRAINT "qualitygroupprediction_prediction_model_name_fkey" FOREIGN KEY ("prediction_model_name") REFERENCES "public"."qualitypredictionmodel"("name") ON DELETE no action ON UPDATE no action;
ALTER TABLE "qualitygroupprediction" ADD CONSTRAINT "qualitygroupprediction_metric_name_fkey" FOREIGN KEY ("metric_name") REFERENCES "public"."qualitymetric"("name") ON DELETE no action ON UPDATE no action;
ALTER TABLE "qualitymetricstatistics" ADD CONSTRAINT "qualitymetricstatistics_name_fkey" FOREIGN KEY ("name") REFERENCES "public"."qualitymetric"("name") ON DELETE no action ON UPDATE no action;
ALTER TABLE "qualitymetricstatistics" ADD CONSTRAINT "qualitymetricstatistics_grid_uuid_fkey" FOREIGN KEY ("grid_uuid") REFERENCES "public"."grid"("uuid") ON DELETE no action ON UPDATE no action;
ALTER TABLE "qualityprediction" ADD CONSTRAINT "qualityprediction_prediction_model_name_fkey" FOREIGN KEY ("prediction_model_name") REFERENCES "public"."qualitypredictionmodel"("name") ON DELETE no action ON UPDATE no action;
ALTER TABLE "qualityprediction" ADD CONSTRAINT "qualityprediction_foilhole_uuid_fkey" FOREIGN KEY ("foilhole_uuid") REFERENCES "public"."foilhole"("uuid") ON DELETE no action ON UPDATE no action;
ALTER TABLE "qualityprediction" ADD CONSTRAINT "qualityprediction_gridsquare_uuid_fkey" FOREIGN KEY ("gridsquare_uuid") REFERENCES "public"."gridsquare"("uuid") ON DELETE no action ON UPDATE no action;
ALTER TABLE "qualityprediction" ADD CONSTRAINT "qualityprediction_metric_name_fkey" FOREIGN KEY ("metric_name") REFERENCES "public"."qualitymetric"("name") ON DELETE no action ON UPDATE no action;
ALTER TABLE "qualitypredictionmodelparameter" ADD CONSTRAINT "qualitypredictionmodelparameter_grid_uuid_fkey" FOREIGN KEY ("grid_uuid") REFERENCES "public"."grid"("uuid") ON DELETE no action ON UPDATE no action;
ALTER TABLE "qualitypredictionmodelparameter" ADD CONSTRAINT "qualitypredictionmodelparameter_prediction_model_name_fkey" FOREIGN KEY ("prediction_model_name") REFERENCES "public"."qualitypredictionmodel"("name") ON DELETE no action ON UPDATE no action;
ALTER TABLE "qualitypredictionmodelparameter" ADD CONSTRAINT "qualitypredictionmodelparameter_metric_name_fkey" FOREIGN KEY ("metric_name") REFERENCES "public"."qualitymetric"("name") ON DELETE no action ON UPDATE no action;
ALTER TABLE "qualitypredictionmodelweight" ADD CONSTRAINT "qualitypredictionmodelweight_grid_uuid_fkey" FOREIGN KEY ("grid_uuid") REFERENCES "public"."grid"("uuid") ON DELETE no action ON UPDATE no action;
ALTER TABLE "qualitypredictionmodelweight" ADD CONSTRAINT "qualitypredictionmodelweight_micrograph_uuid_fkey" FOREIGN KEY ("micrograph_uuid") REFERENCES "public"."micrograph"("uuid") ON DELETE no action ON UPDATE no action;
ALTER TABLE "qualitypredictionmodelweight" ADD CONSTRAINT "qualitypredictionmodelweight_prediction_model_name_fkey" FOREIGN KEY ("prediction_model_name") REFERENCES "public"."qualitypredictionmodel"("name") ON DELETE no action ON UPDATE no action;
ALTER TABLE "qualitypredictionmodelweight" ADD CONSTRAINT "qualitypredictionmodelweight_metric_name_fkey" FOREIGN KEY ("metric_name") REFERENCES "public"."qualitymetric"("name") ON DELETE no action ON UPDATE no action;
