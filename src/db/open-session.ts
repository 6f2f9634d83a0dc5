import type postgres from 'postgres';
import type { DatabaseTarget } from '../config/config.js';
import { openEmbeddedSession } from './pglite-session.js';
import { borrowSession, openServerSession } from './postgres-session.js';
import type { DbSession } from './session.js';

/** How a caller names the database: a URL, its own postgres.js pool, or nothing (configuration). */
export interface ConnectionOptions {
  /** A PostgreSQL connection string; overrides the configuration. */
  url?: string;
  /** An application's postgres.js client; one of its connections is borrowed and given back. */
  sql?: postgres.Sql;
  /** Seconds to wait for a server to accept the connection (default 10). */
  connectTimeoutSeconds?: number;
}

export async function openSession(
  options: ConnectionOptions,
  configured: () => DatabaseTarget,
  onEmbedded?: (session: DbSession) => void,
): Promise<DbSession> {
  if (options.sql) return borrowSession(options.sql);
  if (options.url) return openServerSession(options.url, { connectTimeoutSeconds: options.connectTimeoutSeconds, source: 'url (--url, or the url option)' });
  const target = configured();
  if (target.kind === 'server') {
    return openServerSession(target.url, { connectTimeoutSeconds: options.connectTimeoutSeconds, source: target.source });
  }
  const session = await openEmbeddedSession(target.dataDir);
  onEmbedded?.(session);
  return session;
}
