import type postgres from 'postgres';
import type { DatabaseTarget } from './database-target.js';
import { openEmbeddedSession } from './pglite-session.js';
import { borrowSession, openServerSession } from './postgres-session.js';
import type { DbSession } from './session.js';
import { SmartemDbError } from '../errors.js';

/** How a caller names the database: a URL, its own postgres.js pool, or nothing (configuration). */
export interface ConnectionOptions {
  /** A PostgreSQL connection string; overrides the configuration. */
  url?: string | undefined;
  /** An application's postgres.js client; one of its connections is borrowed and given back. */
  sql?: postgres.Sql | undefined;
  /**
   * Where migrations run when `url` or `sql` reach PostgreSQL through a pooler in transaction mode
   * (PgBouncer): a connection to PostgreSQL itself, as Prisma's directUrl. Default:
   * DIRECT_DATABASE_URL when the database also comes from the environment.
   */
  directUrl?: string | undefined;
  /** Seconds to wait for a server to accept the connection (default 10). */
  connectTimeoutSeconds?: number | undefined;
  /**
   * With no database configured, use the embedded PGlite database in `.smartem-db/pglite` (the
   * CLI's default on a developer's machine). Off by default: application code must name its
   * database, and a production app must never quietly migrate a local file instead.
   * `'unless-production'` (the CLI's default) allows it except under NODE_ENV=production.
   */
  embedded?: boolean | 'unless-production' | undefined;
}

/** Where a session goes, resolved from the options and the configuration (no connection yet). */
export type SessionTarget =
  | { kind: 'url'; url: string; source: string }
  | { kind: 'pool'; sql: postgres.Sql }
  | { kind: 'embedded'; dataDir: string };

/**
 * Resolves where the options point: a direct URL first (migrations behind a pooler), then the
 * application's pool, a URL, the configuration, and the embedded database when allowed.
 */
export function sessionTarget(options: ConnectionOptions, configured: () => DatabaseTarget): SessionTarget {
  if (options.directUrl) return { kind: 'url', url: options.directUrl, source: 'directUrl (--direct-url)' };
  if (options.sql) return { kind: 'pool', sql: options.sql };
  if (options.url) return { kind: 'url', url: options.url, source: 'url (--url, or the url option)' };
  const target = configured();
  if (target.kind === 'server') {
    const { url, source } = target.direct ?? target;
    return { kind: 'url', url, source };
  }
  const allowed = options.embedded === true || (options.embedded === 'unless-production' && !target.production);
  if (!allowed) throw noDatabaseError(target.production);
  return { kind: 'embedded', dataDir: target.dataDir };
}

export async function openSession(
  options: ConnectionOptions,
  configured: () => DatabaseTarget,
  onEmbedded?: (session: DbSession) => void,
): Promise<DbSession> {
  const target = sessionTarget(options, configured);
  if (target.kind === 'url') {
    return openServerSession(target.url, {
      connectTimeoutSeconds: options.connectTimeoutSeconds,
      source: target.source,
    });
  }
  if (target.kind === 'pool') return borrowSession(target.sql);
  const session = await openEmbeddedSession(target.dataDir);
  onEmbedded?.(session);
  return session;
}

function noDatabaseError(production: boolean): SmartemDbError {
  return new SmartemDbError(
    'CONFIG_INVALID',
    'No database is configured: set DATABASE_URL (or POSTGRES_HOST, POSTGRES_USER and POSTGRES_DB), or pass url or sql. ' +
      (production
        ? 'NODE_ENV is production, where smartem-db never falls back to the embedded PGlite database unless asked to ' +
          '(--embedded on the command line, embedded: true in code).'
        : "The embedded PGlite database (.smartem-db/pglite) is the command line's default on a developer's machine; " +
          'from code, pass embedded: true to use it.'),
  );
}
