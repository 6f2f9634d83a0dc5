import { join } from 'node:path';
import { erd } from '../../src/api.js';
import { ROOT } from './spawn.js';

/**
 * docs/schema.md, docs/smartem-schema.svg and docs/migration-002.svg as the package's migrations draw them: SmartEM's schema
 * at head, and what migration 002 changes. One function for the script that writes them and the
 * test that finds them stale.
 */
export async function schemaDiagrams(
  shadowDatabaseUrl?: string,
): Promise<{ markdown: string; svg: string; changeSvg: string }> {
  const common = { migrationsFolder: join(ROOT, 'drizzle'), shadowDatabaseUrl, cwd: ROOT, env: {}, cache: false };
  const head = await erd({ ...common, from: 'migrations', format: 'mermaid' });
  const change = await erd({ ...common, from: 'migrations@001', to: 'migrations@002', format: 'mermaid' });
  const svg = await erd({ ...common, from: 'migrations', format: 'svg' });
  const changeSvg = await erd({ ...common, from: 'migrations@001', to: 'migrations@002', format: 'svg' });
  const markdown = [
    '# The SmartEM schema',
    '',
    '<!-- Written by `npm run docs:schema` (smartem-db erd): edit the model and generate, not this. -->',
    '',
    `The ${head.tables} tables the package's migrations make, with their foreign keys`,
    '(`npx smartem-db erd --format mermaid`; as SVG, laid out top to bottom from acquisition to',
    'micrograph: [smartem-schema.svg](smartem-schema.svg), `npx smartem-db erd --out schema.svg`).',
    '',
    '```mermaid',
    head.text.trimEnd(),
    '```',
    '',
    '## What migration 002 changes',
    '',
    '`npx smartem-db erd --from migrations@001 --to migrations@002 --format mermaid`: each table it',
    `changes is marked (${change.changes.length} tables: an index behind each foreign key, one redundant index dropped;`,
    'as SVG: [migration-002.svg](migration-002.svg)).',
    '',
    '```mermaid',
    change.text.trimEnd(),
    '```',
    '',
  ].join('\n');
  return { markdown, svg: svg.text, changeSvg: changeSvg.text };
}
