import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generate } from '../../src/api.js';
import { runCli } from '../support/cli.js';
import { databaseUrl, query, useFreshDatabase } from '../support/fresh-database.js';
import { HEADER, tempProject } from '../support/temp-project.js';

const db = useFreshDatabase();

/** A login role of this test's own (random name), dropped afterwards with what it owns. */
async function withRole(
  attributes: string,
  work: (role: string, urlOf: (database: string) => string) => Promise<void>,
) {
  const role = `smartem_role_${randomBytes(5).toString('hex')}`;
  await query(db.url, `CREATE ROLE ${role} LOGIN ${attributes}`);
  const urlOf = (database: string) => {
    const url = new URL(databaseUrl(database));
    url.username = role;
    url.password = '';
    return url.toString();
  };
  try {
    await work(role, urlOf);
  } finally {
    await query(db.url, `DROP OWNED BY ${role} CASCADE`).catch(() => undefined);
    await query(db.url, `DROP ROLE IF EXISTS ${role}`);
  }
}

describe('roles as production has them', () => {
  it('a shadow role with CREATEDB but not superuser makes and proves migrations', async () => {
    await withRole('CREATEDB NOSUPERUSER', async (_role, urlOf) => {
      const p = tempProject(`${HEADER}export const grid = pgTable('grid', { uuid: varchar('uuid').primaryKey() });\n`);
      const result = await generate({
        migrationsFolder: p.migrations,
        schema: p.schema,
        cwd: p.dir,
        env: {},
        shadowDatabaseUrl: urlOf('postgres'),
        name: 'baseline',
      });
      expect(result).toMatchObject({ proved: true });
    });
  });

  it('upgrade as a role that may not create the journal says which grant is missing (exit 4), and works once granted', async () => {
    await withRole('', async (role, urlOf) => {
      await query(db.url, 'REVOKE CREATE ON DATABASE ' + db.name + ' FROM PUBLIC');
      const url = urlOf(db.name);
      const upgrade = () => runCli(['upgrade', '--url', url, '--json'], { env: { ...process.env } });
      const refused = await upgrade();
      expect(refused.code).toBe(4);
      const error = (JSON.parse(refused.stdout) as { error: { code: string; message: string } }).error;
      expect(error.code).toBe('PERMISSION_DENIED');
      expect(error.message).toContain(`GRANT CREATE ON DATABASE "${db.name}" TO "${role}"`);
      await query(db.url, `GRANT CREATE ON DATABASE ${db.name} TO ${role}`);
      // The migrations create their tables in public, which PostgreSQL 15 lets only its owner write.
      await query(db.url, `GRANT CREATE ON SCHEMA public TO ${role}`);
      const done = await upgrade();
      expect(done.code, done.stdout).toBe(0);
    });
  });
});
