import { openServerSession } from '../db/postgres-session.js';
import type { DbSession } from '../db/session.js';
import { quoteIdent } from '../sql/quote.js';

/**
 * How a kept database's comment says when it was kept, followed by a space or a line break:
 * takeKept (newest first) and pruneKept read it back with KEPT_AT_SQL.
 */
export const keptAtNow = (): string => ` kept ${new Date().toISOString()}`;

/** When a row of pg_database was kept, as its comment says (keptAtNow); null for none. */
export const KEPT_AT_SQL = `substring(shobj_description(oid, 'pg_database') from ' kept (\\S+)')`;

/** Pruning spares what was kept this recently, however many: other runs (tests in parallel) are using them. */
export const RECENT_MS = 10 * 60_000;

/**
 * The newest `keep` databases named `prefix...` that the current user kept on the server stay,
 * and any kept in the last RECENT_MS (their comment says when: keptAtNow); older ones are
 * dropped, on the one connection that found them. A failure leaves them to the next pruning: they
 * are only a cache.
 */
export async function pruneKept(
  target: { url: string; source: string },
  prefix: string,
  keep: number,
  keptNow: string,
): Promise<void> {
  const admin = await openServerSession(target.url, { source: target.source }).catch(() => undefined);
  if (!admin) return;
  try {
    // Only when it was kept: a kept model's comment holds its catalog (megabytes at 1000 tables).
    const rows = await admin.query<{ name: string; kept: string | null }>(
      `SELECT datname AS name, ${KEPT_AT_SQL} AS kept FROM pg_database
        WHERE left(datname, length($1)) = $1 AND pg_catalog.pg_get_userbyid(datdba) = current_user`,
      [prefix],
    );
    const old = rows
      .filter((r) => r.name !== keptNow)
      .map((r) => ({ name: r.name, at: Date.parse(r.kept ?? '') || 0 }))
      .sort((a, b) => b.at - a.at)
      .slice(keep - 1)
      .filter((r) => r.at < Date.now() - RECENT_MS);
    // A short wait: a concurrent run taking one holds it.
    if (old.length) await admin.exec(`SET lock_timeout = '1s'`);
    for (const r of old) await admin.exec(`DROP DATABASE IF EXISTS ${quoteIdent(r.name)}`).catch(() => {});
  } catch {
    // Pruned by the next run that keeps one.
  } finally {
    await admin.close().catch(() => {});
  }
}

/**
 * Whether objects in the database depend on a role other than ours (grants, policies, owners):
 * such a database is not kept, or the role could not be dropped while it is.
 */
export async function namesOtherRoles(session: DbSession): Promise<boolean> {
  const rows = await session.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_shdepend d
      WHERE d.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND d.refclassid = 'pg_authid'::regclass
        AND d.refobjid <> (SELECT oid FROM pg_roles WHERE rolname = current_user)`,
  );
  return Number(rows[0]?.n ?? 0) > 0;
}
