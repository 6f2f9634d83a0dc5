// npm run docs:schema: draws SmartEM's schema and migration 002's change into docs/ (test/picture fails when stale).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { schemaDiagrams } from '../test/support/schema-diagrams.js';

const docs = fileURLToPath(new URL('../docs/', import.meta.url));
const { markdown, svg, changeSvg } = await schemaDiagrams(process.env.SHADOW_DATABASE_URL ?? process.env.DATABASE_URL);
writeFileSync(`${docs}schema.md`, markdown);
writeFileSync(`${docs}smartem-schema.svg`, svg);
writeFileSync(`${docs}migration-002.svg`, changeSvg);
console.log(`Wrote ${docs}schema.md, smartem-schema.svg and migration-002.svg.`);
