import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, afterEach, beforeEach, inject } from 'vitest';

export function serverUrl(): string {
  return inject('serverUrl');
}

/** The URL of another database on the test server. */
export function databaseUrl(name: string): string {
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

export async function createDatabase(): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `smartem_t_${randomBytes(6).toString('hex')}`;
  const admin = postgres(serverUrl(), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: databaseUrl(name),
    drop: async () => {
      const a = postgres(serverUrl(), { max: 1, onnotice: () => {} });
      try {
        await a.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await a.end();
      }
    },
  };
}

/**
 * Gives every test in the calling file its own new database, dropped after the test.
 *
 * @example const db = useFreshDatabase(); it('...', async () => { await migrate({ url: db.url }) });
 */
export function useFreshDatabase(): { readonly url: string; readonly name: string } {
  let current: Awaited<ReturnType<typeof createDatabase>> | undefined;
  // A drop forces a checkpoint (PostgreSQL 15), hundreds of milliseconds on a busy server: the
  // next test runs meanwhile, and the file ends only when every one of its databases is gone.
  const dropping: Promise<void>[] = [];
  beforeEach(async () => {
    current = await createDatabase();
  });
  afterEach(() => {
    if (!current) return;
    const drop = current.drop();
    drop.catch(() => undefined); // reported by afterAll, which awaits it
    dropping.push(drop);
    current = undefined;
  });
  afterAll(async () => {
    await Promise.all(dropping);
  });
  return {
    get url() {
      if (!current) throw new Error('useFreshDatabase(): only inside a test');
      return current.url;
    },
    get name() {
      if (!current) throw new Error('useFreshDatabase(): only inside a test');
      return current.name;
    },
  };
}

/** Runs one query on a database and closes the connection. */
export async function query<T extends object = Record<string, unknown>>(
  url: string,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return (await sql.unsafe(text, params as never[])) as unknown as T[];
  } finally {
    await sql.end();
  }
}
