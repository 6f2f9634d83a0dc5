import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate, hash, migrate } from '../../src/api.js';
import { readMigrationsFolder } from '../../src/migrations/migration-folder.js';
import { renderHeader } from '../../src/migrations/migration-header.js';
import { startStudio } from '../../src/studio/studio-server.js';
import { serverUrl, useFreshDatabase } from '../support/fresh-database.js';
import { ROOT } from '../support/spawn.js';
import { HEADER, tempProject } from '../support/temp-project.js';

// The Chromium Debian packages (CI installs it when it can); without it these tests cannot run.
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const db = useFreshDatabase();

/** A page of the studio with every console error and page error it raises collected. */
async function open(browser: Browser, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  return { page, errors };
}

describe.skipIf(!CHROMIUM)(
  `smartem-db studio in a real browser${CHROMIUM ? '' : ' (skipped: no Chromium installed)'}`,
  () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: CHROMIUM!, args: ['--no-sandbox'] });
    }, 60_000);
    afterAll(async () => browser?.close());

    it("shows SmartEM's 26 tables and 47 foreign keys, the applied migrations, the doctor, with no console error, by keyboard too", async () => {
      const migrationsFolder = join(ROOT, 'drizzle');
      await migrate({ url: db.url, migrationsFolder });
      const studio = await startStudio({ url: db.url, migrationsFolder, shadowDatabaseUrl: serverUrl(), env: {} });
      try {
        const { page, errors } = await open(browser, studio.url);
        await page.locator('#diagram-view svg').waitFor({ timeout: 60_000 });
        expect(await page.locator('#diagram-view svg g.node').count()).toBe(26);
        expect(await page.locator('#diagram-view svg g.edge').count()).toBe(47);
        expect(await page.locator('#diagram-notes').textContent()).toContain('26 tables; the model matches.');
        await expect.poll(() => page.locator('tr.migration .state-applied').count()).toBe(2);
        await expect
          .poll(() => page.locator('#doctor-view').textContent(), { timeout: 30_000 })
          .toMatch(/^0 errors, \d+ warnings/);
        expect(await page.locator('#doctor-view').textContent()).toContain('Bars are linear');

        // By keyboard: the first Tab reaches the sections' links, Enter follows one; the doctor runs again.
        await page.keyboard.press('Tab');
        expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Diagram');
        await page.keyboard.press('Tab');
        await page.keyboard.press('Enter');
        expect(await page.evaluate(() => location.hash)).toBe('#migrations');
        await page.locator('#rerun-doctor').focus();
        await page.keyboard.press('Enter');
        await expect.poll(() => page.locator('#doctor-view').textContent(), { timeout: 30_000 }).toMatch(/^0 errors/);
        expect(errors).toEqual([]);
      } finally {
        await studio.close();
      }
    });

    it('marks the column a model edit adds, lists what is pending, and shows a running migration moving', async () => {
      const p = tempProject(`${HEADER}export const grid = pgTable('grid', { uuid: varchar('uuid').primaryKey() });\n`);
      const options = p.optionsFor(db.url);
      await generate({ ...options, name: 'grid' });
      await migrate(options);
      p.setSchema(
        `${HEADER}export const grid = pgTable('grid', { uuid: varchar('uuid').primaryKey(), name: varchar('name') });\n`,
      );
      const studio = await startStudio({ ...options, schema: p.schema, shadowDatabaseUrl: serverUrl() });
      try {
        const { page, errors } = await open(browser, studio.url);
        await page.locator('#diagram-view svg').waitFor({ timeout: 60_000 });
        expect(await page.locator('#diagram-notes').textContent()).toContain('the model changes: changed public.grid');
        expect(await page.locator('#diagram-view svg text', { hasText: '+ name' }).count()).toBe(1);
        expect(await page.locator('#diagram-view svg text', { hasText: '~ grid' }).count()).toBe(1);
        expect(errors).toEqual([]);
        await page.close();
      } finally {
        await studio.close();
      }

      // A pending migration that takes a few seconds, a statement at a time; then it runs.
      const parent = readMigrationsFolder(p.migrations).migrations.at(-1)!.id;
      const id = '2099_01_01_0000-002_slow';
      mkdirSync(join(p.migrations, id));
      writeFileSync(
        join(p.migrations, id, 'up.sql'),
        `${renderHeader(id, parent, false, 'up')}${'select pg_sleep(0.8);\n'.repeat(4)}`,
      );
      writeFileSync(join(p.migrations, id, 'down.sql'), `${renderHeader(id, parent, true, 'down')}select 1;\n`);
      hash({ migrationsFolder: p.migrations });
      const second = await startStudio({ ...options, shadowDatabaseUrl: serverUrl() });
      try {
        const { page, errors } = await open(browser, second.url);
        await expect.poll(() => page.locator('tr.migration .state-pending').count()).toBe(1);
        await expect.poll(() => page.locator('#pending-view pre').textContent()).toContain('pg_sleep(0.8)');
        const running = migrate(options);
        const seen = new Set<string>();
        await expect
          .poll(
            async () => {
              const text = (await page.locator('#migrations-view').textContent()) ?? '';
              const m = /(\d) of 4 statements/.exec(text);
              if (m && text.includes('running')) seen.add(m[1]!);
              return seen.size;
            },
            { timeout: 20_000, interval: 100 },
          )
          .toBeGreaterThanOrEqual(2);
        await running;
        await expect.poll(() => page.locator('tr.migration .state-applied').count()).toBe(2);
        expect(errors).toEqual([]);
      } finally {
        await second.close();
      }
    });

    it('answers only with its token, and only on 127.0.0.1', async () => {
      const studio = await startStudio({ url: db.url, migrationsFolder: join(ROOT, 'drizzle'), env: {} });
      try {
        const url = new URL(studio.url);
        expect(url.hostname).toBe('127.0.0.1');
        expect((await fetch(`${url.origin}/`)).status).toBe(403);
        expect((await fetch(`${url.origin}/?token=${'0'.repeat(48)}`)).status).toBe(403);
        expect((await fetch(`${url.origin}/api/migrations`)).status).toBe(403);
        const page = await fetch(studio.url);
        expect(page.status).toBe(200);
        const html = await page.text();
        expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
        expect(html).not.toContain(db.url);
        // Not on the machine's other addresses.
        const other = Object.values(networkInterfaces())
          .flat()
          .find((a) => a && a.family === 'IPv4' && !a.internal);
        if (other)
          await expect(fetch(`http://${other.address}:${url.port}${url.pathname}${url.search}`)).rejects.toThrow();
      } finally {
        await studio.close();
      }
    });
  },
);
