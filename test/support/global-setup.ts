import { existsSync } from 'node:fs';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    serverUrl: string;
    serverSource: string;
  }
}

const LOCAL = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Finds the PostgreSQL server the tests create their databases on: DATABASE_URL if set, else a
 * testcontainers PostgreSQL when a Docker engine answers, else the local server. Every test then
 * makes its own database there (test/support/fresh-database.ts).
 */
export default async function setup(project: TestProject) {
  let url: string;
  let source: string;
  let stop: (() => Promise<unknown>) | undefined;
  if (process.env.DATABASE_URL) {
    url = process.env.DATABASE_URL;
    source = 'DATABASE_URL';
  } else if (process.env.DOCKER_HOST || existsSync('/var/run/docker.sock')) {
    try {
      const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
      const container = await new PostgreSqlContainer('postgres:16-alpine').start();
      url = container.getConnectionUri();
      source = 'testcontainers';
      stop = () => container.stop();
    } catch {
      url = LOCAL;
      source = 'local server (Docker did not answer)';
    }
  } else {
    url = LOCAL;
    source = 'local server';
  }
  const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await sql`select 1`;
  } catch (error) {
    throw new Error(
      `Tests need PostgreSQL (${source}) and could not connect: ${(error as Error).message}. ` +
        'Start the local server with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
    );
  } finally {
    await sql.end();
  }
  project.provide('serverUrl', url);
  project.provide('serverSource', source);
  return async () => {
    await stop?.();
  };
}
