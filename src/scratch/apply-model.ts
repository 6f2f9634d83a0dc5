import type { DbSession } from '../db/session.js';
import { SmartemDbError } from '../errors.js';
import { joinStatements } from '../sql/sql-split.js';
import { quoteLiteral } from '../sql/quote.js';

/**
 * Statements per transaction: one transaction locks every object it creates until it commits,
 * and a 1000-table model in one would hold most of a default server's lock table, beside the
 * replay being made at the same time.
 */
const CHUNK = 200;

/**
 * Builds the model on a scratch database: its statements a few hundred to a round trip (each a
 * transaction of its own), and when one fails, that one again a statement at a time (nothing of
 * it stayed: a multi-statement query is one implicit transaction) so the error names the
 * statement that PostgreSQL refused.
 */
export async function applyModel(session: DbSession, model: readonly string[]): Promise<void> {
  const statements = model.map(createRoleIfMissing);
  for (let from = 0; from < statements.length; from += CHUNK) {
    const chunk = statements.slice(from, from + CHUNK);
    try {
      await session.exec(joinStatements(chunk));
      continue;
    } catch {
      // Found again below, one statement at a time.
    }
    for (const sql of chunk) {
      try {
        await session.exec(sql);
      } catch (error) {
        throw new SmartemDbError(
          'SCHEMA_LOAD_FAILED',
          `The Drizzle model's DDL failed on the scratch database at:\n  ${sql}\n${(error as Error).message}`,
          { cause: error },
        );
      }
    }
  }
}

/** The model's statements as one script (one round trip), roles created when missing. */
export function modelScript(model: readonly string[]): string {
  return joinStatements(model.map(createRoleIfMissing));
}

/**
 * drizzle-kit writes `CREATE ROLE` for a pgRole the model declares. A role is the cluster's,
 * not the scratch database's: it outlives the scratch database, so the next run would find it
 * there and fail. Created when missing instead, as the migration itself does (objects/role.ts).
 */
function createRoleIfMissing(sql: string): string {
  const role = /^CREATE ROLE "((?:[^"]|"")+)"/i.exec(sql.trim());
  if (!role) return sql;
  const name = role[1]!.replace(/""/g, '"');
  return `DO $smartem_role$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${quoteLiteral(name)}) THEN ${sql.trim().replace(/;+$/, '')}; END IF; END $smartem_role$`;
}
