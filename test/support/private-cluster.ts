import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** The directory of this machine's PostgreSQL server binaries (initdb, pg_ctl), if installed. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => join(root, v, 'bin')).find((dir) => existsSync(join(dir, 'initdb')));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a throwaway PostgreSQL cluster: one that demands a password (scram-sha-256, user
 * smartem), for the tests of authentication errors (the shared test server trusts every login),
 * or a trusting one (user postgres) with server settings the shared server must keep, such as a
 * small lock table. Runs as the postgres user when the tests run as root, since PostgreSQL
 * refuses to run as root.
 */
export async function startPrivateCluster(
  options: { password?: string; settings?: Record<string, string> } = {},
): Promise<{ port: number; url: string; stop: () => void }> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('no PostgreSQL server binaries on this machine');
  const dir = mkdtempSync(join(tmpdir(), 'smartem-db-cluster-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const asPostgres = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) =>
    asPostgres
      ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' })
      : execFileSync(cmd, args, { stdio: 'pipe' });
  let auth = ['-U', 'postgres', '--auth=trust'];
  if (options.password !== undefined) {
    const pwfile = join(dir, 'pw');
    writeFileSync(pwfile, `${options.password}\n`, { mode: 0o644 });
    auth = ['-U', 'smartem', '--auth=scram-sha-256', `--pwfile=${pwfile}`];
  }
  run(join(bin, 'initdb'), ['-D', data, ...auth, '-N']);
  const port = await freePort();
  const settings = Object.entries(options.settings ?? {}).map(([k, v]) => ` -c ${k}=${v}`);
  run(join(bin, 'pg_ctl'), [
    '-D',
    data,
    '-w',
    '-l',
    join(dir, 'log'),
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off${settings.join('')}`,
    'start',
  ]);
  return {
    port,
    url: `postgres://${options.password === undefined ? 'postgres' : 'smartem'}@127.0.0.1:${port}/postgres`,
    stop: () => {
      try {
        run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Starts a throwaway primary (trust auth) and a hot standby streaming from it, for tests of what
 * works read-only. Both listen on 127.0.0.1; stop() removes both.
 */
export async function startStandbyPair(): Promise<{ primary: string; standby: string; stop: () => void }> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('no PostgreSQL server binaries on this machine');
  const dir = mkdtempSync(join(tmpdir(), 'smartem-db-replica-'));
  chmodSync(dir, 0o777);
  const asPostgres = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) =>
    asPostgres
      ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' })
      : execFileSync(cmd, args, { stdio: 'pipe' });
  const [primaryData, standbyData] = [join(dir, 'primary'), join(dir, 'standby')];
  run(join(bin, 'initdb'), ['-D', primaryData, '-U', 'postgres', '--auth=trust', '-N']);
  const [primaryPort, standbyPort] = [await freePort(), await freePort()];
  const start = (data: string, port: number, log: string) =>
    run(join(bin, 'pg_ctl'), [
      '-D',
      data,
      '-w',
      '-l',
      join(dir, log),
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      'start',
    ]);
  const stopOne = (data: string) => {
    try {
      run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']);
    } catch {
      // not running
    }
  };
  try {
    start(primaryData, primaryPort, 'primary.log');
    run(join(bin, 'pg_basebackup'), [
      '-h',
      '127.0.0.1',
      '-p',
      String(primaryPort),
      '-U',
      'postgres',
      '-D',
      standbyData,
      '-R',
      '-X',
      'stream',
    ]);
    start(standbyData, standbyPort, 'standby.log');
  } catch (error) {
    stopOne(standbyData);
    stopOne(primaryData);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    primary: `postgres://postgres@127.0.0.1:${primaryPort}/postgres`,
    standby: `postgres://postgres@127.0.0.1:${standbyPort}/postgres`,
    stop: () => {
      stopOne(standbyData);
      stopOne(primaryData);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
