import { pgliteVersion } from '../db/pglite-session.js';
import { openServerSession } from '../db/postgres-session.js';
import { dropOrphans, type ScratchTarget } from './scratch-databases.js';

/**
 * What a catalog built on a scratch database depends on besides the statements run there: the
 * server's version, the role it runs as, the extensions it can install (and their default
 * versions), its tablespaces, the settings not left at their defaults (a default tablespace, a
 * default access method), and template1's encoding and collation. For PGlite, its version.
 * One query; part of every key of a catalog in the project's store. On a server it also drops
 * the scratch databases of runs on this host that were killed outright (dropOrphans).
 *
 * @example const env = await scratchEnvironment({ kind: 'server', url, source: 'SHADOW_DATABASE_URL' });
 */
export async function scratchEnvironment(target: ScratchTarget): Promise<string> {
  if (target.kind === 'embedded') return `pglite ${pgliteVersion()}`;
  const session = await openServerSession(target.url, { source: target.source });
  try {
    const [row] = await session.query<{ env: string }>(ENVIRONMENT_SQL);
    // Every command that uses the server tidies up after runs that were killed outright.
    await dropOrphans(session);
    return row!.env;
  } finally {
    await session.close();
  }
}

const ENVIRONMENT_SQL = `
SELECT concat_ws(E'\\n',
  version(),
  current_user,
  (SELECT string_agg(name || '=' || coalesce(default_version, ''), ',' ORDER BY name) FROM pg_available_extensions),
  (SELECT string_agg(spcname, ',' ORDER BY spcname) FROM pg_tablespace),
  (SELECT string_agg(name || '=' || setting, ',' ORDER BY name) FROM pg_settings
    WHERE source NOT IN ('default', 'client', 'session') AND context <> 'internal'),
  (SELECT concat_ws(',', pg_encoding_to_char(encoding), datcollate, datctype) FROM pg_database WHERE datname = 'template1')
) AS env`;
