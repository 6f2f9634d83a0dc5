import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './private-cluster.js';

const BINARY = '/usr/sbin/pgbouncer';

/** Whether Debian's pgbouncer is installed (.ci/run installs it). */
export const hasPgBouncer = existsSync(BINARY);

/**
 * Starts a private PgBouncer on 127.0.0.1 in front of the test server, with one pool per entry
 * (`name -> database, pool_mode`), and stops it with stop(). Runs as the postgres user when the
 * tests run as root, since PgBouncer refuses to run as root.
 */
export async function startPgBouncer(
  server: string,
  pools: Record<string, { database: string; mode: 'session' | 'transaction' }>,
): Promise<{ url: (pool: string) => string; stop: () => void }> {
  const target = new URL(server);
  const dir = mkdtempSync(join(tmpdir(), 'smartem-db-pgbouncer-'));
  chmodSync(dir, 0o777);
  const port = await freePort();
  const user = decodeURIComponent(target.username || 'postgres');
  const databases = Object.entries(pools).map(
    ([name, p]) =>
      `${name} = host=${target.hostname} port=${target.port || 5432} dbname=${p.database} pool_mode=${p.mode}`,
  );
  const ini = join(dir, 'pgbouncer.ini');
  writeFileSync(
    ini,
    [
      '[databases]',
      ...databases,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(dir, 'users.txt')}`,
      'default_pool_size = 4',
      'ignore_startup_parameters = extra_float_digits,options',
      `logfile = ${join(dir, 'log')}`,
      `pidfile = ${join(dir, 'pid')}`,
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
  writeFileSync(join(dir, 'users.txt'), `"${user}" ""\n`, { mode: 0o644 });
  const asPostgres = process.getuid?.() === 0;
  // -d: it daemonises; its output goes to the log file, not to our pipes.
  const args = ['-d', '-q', ini];
  if (asPostgres) execFileSync('runuser', ['-u', 'postgres', '--', BINARY, ...args], { stdio: 'ignore' });
  else execFileSync(BINARY, args, { stdio: 'ignore' });
  for (let i = 0; i < 50 && !existsSync(join(dir, 'pid')); i++) await new Promise((r) => setTimeout(r, 50));
  return {
    url: (pool) => `postgres://${encodeURIComponent(user)}@127.0.0.1:${port}/${pool}`,
    stop: () => {
      try {
        const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
        if (pid) process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
