import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, status } from '../../src/api.js';
import { freePort, postgresBinDir, startPrivateCluster } from '../support/private-cluster.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, writeMigrations } from '../support/migrations-dir.js';

const PASSWORD = 'c0rrect-h0rse_b4ttery';
const WRONG = 'Tr0ub4dor&3-wrong';

async function timedFailure(run: () => Promise<unknown>) {
  const started = Date.now();
  const error = await run().then(
    () => {
      throw new Error('expected a connection error');
    },
    (e: unknown) => e as Error & { code?: string },
  );
  return { error, ms: Date.now() - started };
}

describe('no database configured', () => {
  it('is an error for application code (no silent local database), unless embedded: true asks for one', async () => {
    const cwd = tempDir();
    const migrationsFolder = writeMigrations([{ name: 'a', up: 'create table a (id int);' }]);
    await expect(migrate({ migrationsFolder, cwd, env: {} })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('from code, pass embedded: true to use it'),
    });
    await expect(
      migrate({ migrationsFolder, cwd, env: { NODE_ENV: 'production' }, embedded: 'unless-production' }),
    ).rejects.toMatchObject({
      message: expect.stringContaining(
        'NODE_ENV is production, where smartem-db never falls back to the embedded PGlite database unless asked',
      ),
    });
    expect(existsSync(join(cwd, '.smartem-db'))).toBe(false);
    expect((await migrate({ migrationsFolder, cwd, env: {}, embedded: true })).ran).toHaveLength(1);
    expect(existsSync(join(cwd, '.smartem-db/pglite'))).toBe(true);
  });
});

describe('a database that cannot be reached', () => {
  it('gives up within the connect timeout when the peer is not PostgreSQL, and stops reconnecting', async () => {
    let connections = 0;
    const http = createServer((socket) => {
      connections++;
      socket.on('data', () => socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const port = (http.address() as { port: number }).port;
    try {
      const url = `postgres://smartem:${PASSWORD}@127.0.0.1:${port}/smartem_db`;
      const { error } = await timedFailure(() =>
        migrate({ url, connectTimeoutSeconds: 1, migrationsFolder: writeMigrations([{ name: 'a', up: 'select 1;' }]) }),
      );
      expect(error.code).toBe('CONNECTION_FAILED');
      expect(error.message).toContain('nothing answered as PostgreSQL within the connect timeout (1 s)');
      expect(error.message).not.toContain(PASSWORD);
      // A reconnect already under way may still arrive; after that, none.
      await new Promise((r) => setTimeout(r, 100));
      const after = connections;
      await new Promise((r) => setTimeout(r, 300));
      expect(connections).toBe(after);
    } finally {
      http.close();
    }
  });

  it('fails at once with a clear error when nothing listens, without printing the password', async () => {
    const port = await freePort();
    const url = `postgres://smartem:${PASSWORD}@127.0.0.1:${port}/smartem_db`;
    const { error, ms } = await timedFailure(() =>
      migrate({ url, migrationsFolder: writeMigrations([{ name: 'a', up: 'select 1;' }]) }),
    );
    expect(error.code).toBe('CONNECTION_FAILED');
    expect(error.message).toContain(`Cannot connect to postgres://smartem:***@127.0.0.1:${port}/smartem_db`);
    expect(error.message).toContain('refused the connection');
    expect(error.message).not.toContain(PASSWORD);
    expect(ms).toBeLessThan(5_000);
  });

  it('gives up after the connect timeout on a server that never answers', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const url = `postgres://smartem:${PASSWORD}@127.0.0.1:${port}/smartem_db`;
      const { error, ms } = await timedFailure(() =>
        status({ url, connectTimeoutSeconds: 1, migrationsFolder: writeMigrations([{ name: 'a', up: 'select 1;' }]) }),
      );
      expect(error.code).toBe('CONNECTION_FAILED');
      expect(error.message).toContain('no answer before the connect timeout');
      expect(error.message).not.toContain(PASSWORD);
      expect(ms).toBeLessThan(5_000);
    } finally {
      sockets.forEach((s) => s.destroy());
      silent.close();
    }
  });
});

describe.skipIf(!postgresBinDir())('a wrong password', () => {
  let cluster: Awaited<ReturnType<typeof startPrivateCluster>>;
  beforeAll(async () => {
    cluster = await startPrivateCluster({ password: PASSWORD });
  });
  afterAll(() => cluster?.stop());

  it('is reported as such within seconds, and no password appears in the error', async () => {
    const url = `postgres://smartem:${encodeURIComponent(WRONG)}@127.0.0.1:${cluster.port}/postgres`;
    const { error, ms } = await timedFailure(() =>
      migrate({ url, migrationsFolder: writeMigrations([{ name: 'a', up: 'select 1;' }]) }),
    );
    expect(error.code).toBe('CONNECTION_FAILED');
    expect(error.message).toContain('password authentication failed');
    expect(error.message).toContain('postgres://smartem:***@127.0.0.1');
    expect(error.message).not.toContain(WRONG);
    expect(error.message).not.toContain(encodeURIComponent(WRONG));
    expect(ms).toBeLessThan(5_000);
  });

  it('and the right one works against the same server', async () => {
    const url = `postgres://smartem:${encodeURIComponent(PASSWORD)}@127.0.0.1:${cluster.port}/postgres`;
    const result = await migrate({
      url,
      migrationsFolder: writeMigrations([{ name: 'a', up: 'create table a (id int);' }]),
    });
    expect(result.ran).toHaveLength(1);
    expect(result.database).not.toContain(PASSWORD);
  });
});
