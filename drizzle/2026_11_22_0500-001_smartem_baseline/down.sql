-- smartem-db migration 2026_11_22_0500-001_smartem_baseline (down)
-- parent: none
-- transaction: yes
-- Drops everything the baseline created: every SmartEM table and its data.
DROP TABLE "qualitypredictionmodelweight",
  "qualitypredictionmodelparameter",
  "qualitypredictionmodel",
  "qualityprediction",
  "qualitymetricstatistics",
  "qualitymetric",
  "qualitygroupprediction",
  "overallqualityprediction",
  "micrograph",
  "gridsquare",
  "grid",
  "foilholegroupmembership",
  "foilholegroup",
  "foilhole",
  "currentqualitypredictionmodelweight",
  "currentqualityprediction",
  "currentqualitygroupprediction",
  "atlastilegridsquareposition",
  "atlastile",
  "atlas",
  "agentsession",
  "agentlog",
  "agentinstructionacknowledgement",
  "agentinstruction",
  "agentconnection",
  "acquisition";
DROP SEQUENCE "public"."agentconnection_id_seq", "public"."agentinstruction_id_seq", "public"."agentsession_id_seq";
DROP TYPE "public"."acquisitionstatus", "public"."foilholestatus", "public"."gridsquarestatus", "public"."gridstatus", "public"."micrographstatus";
