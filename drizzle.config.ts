import { defineConfig } from 'drizzle-kit';

// drizzle-kit reads the SmartEM model from schema/; smartem-db itself writes migrations to drizzle/
// in its own up/down folder format, so drizzle-kit's `generate`/`migrate` are not used here.
export default defineConfig({
  dialect: 'postgresql',
  schema: './schema/index.ts',
  out: './drizzle',
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
});
