import type { Hazard } from '../hazards/hazard.js';

/** One rendered statement. */
export interface Statement {
  sql: string;
  /** Filled in by the lint's classifier (lint/classify-script.ts); empty as rendered. */
  hazards: Hazard[];
  /** False for a statement PostgreSQL refuses inside a transaction block (CONCURRENTLY), or one that commits itself. */
  transactional?: boolean;
}

export interface RenderOptions {
  /**
   * Online forms for tables that exist already (render-online.ts): indexes built and dropped
   * CONCURRENTLY, constraints added NOT VALID then validated, unique keys over a concurrent index,
   * NOT NULL without a scan, volatile defaults backfilled in batches. The migration then runs
   * without a transaction.
   */
  online?: boolean;
}
