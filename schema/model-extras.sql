-- What the SmartEM database has and Drizzle cannot say, applied after the model's DDL wherever
-- smartem-db builds the model (generate, diff, check).

-- The agent ids were BIGSERIAL, narrowed to INTEGER by the Alembic chain: their bigint sequences
-- stayed owned by the id columns, so DROP TABLE takes them along.
ALTER SEQUENCE "public"."agentsession_id_seq" OWNED BY "public"."agentsession"."id";
ALTER SEQUENCE "public"."agentinstruction_id_seq" OWNED BY "public"."agentinstruction"."id";
ALTER SEQUENCE "public"."agentconnection_id_seq" OWNED BY "public"."agentconnection"."id";
