import { sql } from 'drizzle-orm';
import {
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  serial,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';
import { acquisition } from './core.js';
import { fkey } from './foreign-key.js';

// Agent communication: sessions, instructions sent to an agent, their acknowledgements, live
// connections, and agent logs. Status and priority columns are free varchar by design.

// BIGSERIAL leftovers: the ids were narrowed to integer, their sequences stayed bigint. Drizzle's
// serial() would make integer sequences, so these are declared as sequences of their own
// (CREATE SEQUENCE is bigint by default) feeding integer columns.
export const agentsession_id_seq = pgSequence('agentsession_id_seq');
export const agentinstruction_id_seq = pgSequence('agentinstruction_id_seq');
export const agentconnection_id_seq = pgSequence('agentconnection_id_seq');

export const agentsession = pgTable(
  'agentsession',
  {
    id: integer('id')
      .primaryKey()
      .default(sql`nextval('agentsession_id_seq'::regclass)`),
    sessionId: varchar('session_id').notNull(),
    agentId: varchar('agent_id').notNull(),
    acquisitionUuid: varchar('acquisition_uuid'),
    name: varchar('name'),
    description: varchar('description'),
    experimentalParameters: jsonb('experimental_parameters'),
    status: varchar('status').notNull().default('active'),
    createdAt: timestamp('created_at').notNull().defaultNow(),
    startedAt: timestamp('started_at'),
    endedAt: timestamp('ended_at'),
    lastActivityAt: timestamp('last_activity_at').notNull().defaultNow(),
  },
  (t) => [
    fkey('agentsession', t.acquisitionUuid, acquisition.uuid),
    // The external key referenced by agentinstruction and agentconnection.
    uniqueIndex('ix_agentsession_session_id').on(t.sessionId),
    index('ix_agentsession_acquisition_uuid').on(t.acquisitionUuid),
    index('ix_agentsession_agent_id').on(t.agentId),
    index('ix_agentsession_created_at').on(t.createdAt),
    index('ix_agentsession_last_activity_at').on(t.lastActivityAt),
    index('ix_agentsession_status').on(t.status),
  ],
);

export const agentinstruction = pgTable(
  'agentinstruction',
  {
    id: integer('id')
      .primaryKey()
      .default(sql`nextval('agentinstruction_id_seq'::regclass)`),
    instructionId: uuid('instruction_id').notNull().defaultRandom(),
    sessionId: varchar('session_id').notNull(),
    agentId: varchar('agent_id').notNull(),
    instructionType: varchar('instruction_type').notNull(),
    payload: jsonb('payload'),
    sequenceNumber: integer('sequence_number'),
    priority: varchar('priority').notNull().default('normal'),
    status: varchar('status').notNull().default('pending'),
    createdAt: timestamp('created_at').notNull().defaultNow(),
    sentAt: timestamp('sent_at'),
    acknowledgedAt: timestamp('acknowledged_at'),
    expiresAt: timestamp('expires_at'),
    retryCount: integer('retry_count').notNull().default(0),
    maxRetries: integer('max_retries').notNull().default(3),
    instructionMetadata: jsonb('instruction_metadata'),
  },
  (t) => [
    fkey('agentinstruction', t.sessionId, agentsession.sessionId),
    // The external key referenced by agentinstructionacknowledgement.
    uniqueIndex('ix_agentinstruction_instruction_id').on(t.instructionId),
    index('ix_agentinstruction_acknowledged_at').on(t.acknowledgedAt),
    index('ix_agentinstruction_agent_id').on(t.agentId),
    index('ix_agentinstruction_created_at').on(t.createdAt),
    index('ix_agentinstruction_expires_at').on(t.expiresAt),
    index('ix_agentinstruction_instruction_type').on(t.instructionType),
    index('ix_agentinstruction_priority').on(t.priority),
    index('ix_agentinstruction_sent_at').on(t.sentAt),
    index('ix_agentinstruction_sequence_number').on(t.sequenceNumber),
    index('ix_agentinstruction_session_id').on(t.sessionId),
    index('ix_agentinstruction_status').on(t.status),
  ],
);

export const agentconnection = pgTable(
  'agentconnection',
  {
    id: integer('id')
      .primaryKey()
      .default(sql`nextval('agentconnection_id_seq'::regclass)`),
    connectionId: varchar('connection_id').notNull(),
    sessionId: varchar('session_id').notNull(),
    agentId: varchar('agent_id').notNull(),
    connectionType: varchar('connection_type').notNull().default('sse'),
    clientInfo: jsonb('client_info'),
    status: varchar('status').notNull().default('active'),
    createdAt: timestamp('created_at').notNull().defaultNow(),
    lastHeartbeatAt: timestamp('last_heartbeat_at').notNull().defaultNow(),
    closedAt: timestamp('closed_at'),
    closeReason: varchar('close_reason'),
  },
  (t) => [
    fkey('agentconnection', t.sessionId, agentsession.sessionId),
    uniqueIndex('ix_agentconnection_connection_id').on(t.connectionId),
    index('ix_agentconnection_agent_id').on(t.agentId),
    index('ix_agentconnection_created_at').on(t.createdAt),
    index('ix_agentconnection_last_heartbeat_at').on(t.lastHeartbeatAt),
    index('ix_agentconnection_session_id').on(t.sessionId),
    index('ix_agentconnection_status').on(t.status),
  ],
);

export const agentinstructionacknowledgement = pgTable(
  'agentinstructionacknowledgement',
  {
    acknowledgementId: uuid('acknowledgement_id').primaryKey().defaultRandom(),
    instructionId: uuid('instruction_id').notNull(),
    agentId: varchar('agent_id').notNull(),
    sessionId: varchar('session_id').notNull(),
    status: varchar('status').notNull(),
    result: varchar('result'),
    errorMessage: varchar('error_message'),
    processingTimeMs: integer('processing_time_ms'),
    acknowledgementMetadata: jsonb('acknowledgement_metadata'),
    createdAt: timestamp('created_at').notNull().defaultNow(),
    processedAt: timestamp('processed_at'),
  },
  (t) => [
    fkey('agentinstructionacknowledgement', t.instructionId, agentinstruction.instructionId),
    index('ix_agentinstructionacknowledgement_agent_id').on(t.agentId),
    index('ix_agentinstructionacknowledgement_created_at').on(t.createdAt),
    index('ix_agentinstructionacknowledgement_instruction_id').on(t.instructionId),
    index('ix_agentinstructionacknowledgement_processed_at').on(t.processedAt),
    index('ix_agentinstructionacknowledgement_session_id').on(t.sessionId),
    index('ix_agentinstructionacknowledgement_status').on(t.status),
  ],
);

// Standalone: agent_id and session_id are plain strings here, not foreign keys.
export const agentlog = pgTable(
  'agentlog',
  {
    id: serial('id').primaryKey(),
    agentId: varchar('agent_id').notNull(),
    sessionId: varchar('session_id').notNull(),
    timestamp: timestamp('timestamp').notNull(),
    level: varchar('level').notNull(),
    loggerName: varchar('logger_name')
      .notNull()
      .$defaultFn(() => ''),
    message: varchar('message')
      .notNull()
      .$defaultFn(() => ''),
    createdAt: timestamp('created_at')
      .notNull()
      .$defaultFn(() => new Date()),
  },
  (t) => [
    index('ix_agentlog_session_id').on(t.sessionId),
    index('ix_agentlog_timestamp').on(t.timestamp),
    index('ix_agentlog_level').on(t.level),
    // (agent_id, id) serves what an index on agent_id alone did; migration 002 dropped that one.
    index('ix_agentlog_agent_id_id').on(t.agentId, t.id),
  ],
);
