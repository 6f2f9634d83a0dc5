// npm run docs:cli: writes docs/cli.md from the command specs (test/unit/cli-reference fails when stale).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cliReference } from '../src/cli/help.js';

const file = fileURLToPath(new URL('../docs/cli.md', import.meta.url));
writeFileSync(file, cliReference());
console.log(`Wrote ${file}.`);
