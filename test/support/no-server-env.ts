/**
 * This process's environment without anything that names a PostgreSQL server (DATABASE_URL,
 * SHADOW_DATABASE_URL, POSTGRES_*, libpq's PG*): a command run in it has no server and makes its
 * scratch databases with PGlite, as on a developer's laptop.
 */
export function withoutServer(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(([k]) => !/^(DATABASE_URL|SHADOW_DATABASE_URL|POSTGRES_|PG)/.test(k)),
  );
}
