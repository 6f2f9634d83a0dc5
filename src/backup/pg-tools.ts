import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { passwordOf, redactSecrets } from '../db/redact.js';
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
  const password = passwordOf(url);
  const safe = new URL(url);
  safe.password = '';
  try {
    await run(program, [...args, `--dbname=${safe.toString()}`], {
      env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}), PGAPPNAME: 'smartem-db' },
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    const detail = redactSecrets((e.stderr || e.message).trim(), password ? [password] : []);
    throw new SmartemDbError('BACKUP_FAILED', `${program} failed: ${detail}`);
  }
}
