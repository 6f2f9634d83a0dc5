import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cliReference, commandHelp, globalHelp } from '../../src/cli/help.js';
import { COMMAND_SPECS, GLOBAL_OPTIONS } from '../../src/cli/command-specs.js';
import { EXIT, EXIT_MEANINGS } from '../../src/cli/exit-codes.js';
import { OPTION_SPECS } from '../../src/cli/options.js';

describe('the CLI reference (docs/cli.md)', () => {
  it('is what the command specs make: run `npm run docs:cli` after changing a command or option', () => {
    const onDisk = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(cliReference());
  });

  it('has every command, each option a command takes, and every exit code', () => {
    const page = cliReference();
    for (const [name, spec] of Object.entries(COMMAND_SPECS)) {
      const section = page.split(`\n## ${name}\n`)[1]?.split('\n## ')[0];
      expect(section, name).toBeDefined();
      for (const option of spec.options) expect(section, `${name} ${option}`).toContain(OPTION_SPECS[option][0]);
    }
    for (const option of GLOBAL_OPTIONS) expect(page).toContain(OPTION_SPECS[option][0]);
    for (const code of Object.values(EXIT)) expect(page).toMatch(new RegExp(`\\n\\| ${code} \\| \\w`));
  });

  it('agrees with --help on every exit code and command', () => {
    const help = globalHelp().replaceAll('\n', ' ');
    for (const [code, meaning] of Object.entries(EXIT_MEANINGS)) expect(help).toContain(`${code} ${meaning}`);
    for (const name of Object.keys(COMMAND_SPECS)) expect(commandHelp(name)).toContain(COMMAND_SPECS[name]!.summary);
  });
});
