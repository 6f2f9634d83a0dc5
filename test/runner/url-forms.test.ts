import { describe, expect, it } from 'vitest';
import { migrate, status } from '../../src/api.js';
import { useFreshDatabase } from '../support/fresh-database.js';
import { writeMigrations } from '../support/migrations-dir.js';

const db = useFreshDatabase();

describe('connection URLs as people write them', () => {
  it('connects with every form libpq takes: no port, an empty password, ?host= (a Unix socket too), ?dbname=', async () => {
    const migrationsFolder = writeMigrations([{ name: 'grid', up: 'create table grid (uuid text primary key);' }]);
    const u = new URL(db.url);
    const [user, host, port, name] = [u.username || 'postgres', u.hostname, u.port || '5432', db.name];
    const forms = [
      `postgres://${user}:unused@${host}/${name}`.replace(`${host}/`, `${host}:${port}/`),
      `postgres://${user}:@${host}:${port}/${name}`,
      `postgresql://${user}:unused@/${name}?host=${host}&port=${port}`,
      `postgres://${user}@${host}:${port}/postgres?dbname=${name}&application_name=url-forms`,
    ];
    // A Unix socket, where the test server is the local one.
    if (host === '127.0.0.1' || host === 'localhost')
      forms.push(`postgres:///${name}?host=/var/run/postgresql&port=${port}&user=${user}`);
    expect((await migrate({ url: forms[0], migrationsFolder })).ran).toHaveLength(1);
    for (const url of forms) {
      const report = await status({ url, migrationsFolder });
      expect(report.pending, url).toBe(0);
      expect(report.database, url).not.toContain('unused');
    }
  });
});
