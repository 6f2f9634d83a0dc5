import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { passwordOf, redactSecrets } from '../db/redact.js';
import { serverAddress } from '../db/connection-url.js';
import type { DbSession } from '../db/session.js';
import { SmartemDbError } from '../errors.js';

const run = promisify(execFile);

/**
 * A PostgreSQL client program (pg_dump, pg_restore) found on PATH, checked to be no older than
 * the server: an older pg_dump refuses a newer server, and a newer one is always allowed.
 */
export async function pgTool(name: 'pg_dump' | 'pg_restore', session: DbSession): Promise<string> {
  let version: string;
  try {
    version = (await run(name, ['--version'])).stdout.trim();
  } catch {
    throw new SmartemDbError(
      'MISSING_DEPENDENCY',
      `${name} is not on PATH, and a backup of a PostgreSQL server needs it. Install PostgreSQL's client programs ` +
        '(Debian: apt-get install postgresql-client) in the version of the server or newer.',
    );
  }
  const clientMajor = Number(/(\d+)(?:\.\d+)?/.exec(version)?.[1] ?? 0);
  const [server] = await session.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
  const serverMajor = Math.floor(Number(server?.v ?? 0) / 10_000);
  if (clientMajor < serverMajor) {
    throw new SmartemDbError(
      'MISSING_DEPENDENCY',
      `${name} on PATH is version ${clientMajor} ("${version}"), older than the server (${serverMajor}); it cannot read a ` +
        `newer server. Install postgresql-client-${serverMajor} (or newer) and put it first on PATH.`,
    );
  }
  return name;
}

/**
 * Runs a client program against a connection URL. The password travels in PGPASSWORD, never on
 * the command line (where `ps` shows it), and any message it prints is scrubbed of it.
 */
export async function runPgTool(program: string, args: string[], url: string): Promise<void> {
  // Read as libpq reads it, and handed over as libpq's variables: every form of URL works.
  const address = serverAddress(url);
  const password = address.password ?? passwordOf(url);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PGAPPNAME: 'smartem-db',
    ...(address.host ? { PGHOST: address.host } : {}),
    ...(address.port ? { PGPORT: String(address.port) } : {}),
    ...(address.username ? { PGUSER: address.username } : {}),
    ...(password ? { PGPASSWORD: password } : {}),
    ...(address.sslmode ? { PGSSLMODE: address.sslmode } : {}),
  };
  try {
    await run(program, [...args, ...(address.database ? [`--dbname=${address.database}`] : [])], {
      env,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    const detail = redactSecrets((e.stderr || e.message).trim(), password ? [password] : []);
    throw new SmartemDbError('BACKUP_FAILED', `${program} failed: ${detail}`);
  }
}
