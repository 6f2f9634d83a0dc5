import { ALIASES, COMMAND_SPECS, GLOBAL_OPTIONS } from './command-specs.js';
import { OPTION_HELP, type OptionName } from './options.js';

const EXIT_CODES = `Exit codes: 0 ok; 1 a migration failed; 2 bad usage or configuration; 3 the folder and the
database disagree (edited, missing or out-of-order migration, manifest mismatch, malformed migration
file); 4 cannot connect; 5 generate refused (unacknowledged data loss, or the proof failed); 6 check:
the migrations do not produce the model; 7 check: the database has pending/failed/edited migrations or
drifted; 8 verify failed; 9 lint found unacknowledged hazards; 10 unexpected error (please report it);
11 doctor found an error.`;

function optionLines(names: readonly OptionName[]): string[] {
  const rows = names.map((name) => OPTION_HELP[name]);
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  return rows.map(([flag, text]) => `  ${flag.padEnd(width)}${text}`);
}

/** `smartem-db --help`: every command, the global options, the exit codes. */
export function globalHelp(): string {
  const width = Math.max(...Object.values(COMMAND_SPECS).map((c) => c.usage.length)) + 2;
  return [
    'smartem-db: migrations for the SmartEM PostgreSQL schema',
    '',
    'Usage: smartem-db <command> [arguments] [options]     (smartem-db <command> --help for more)',
    '',
    'Commands:',
    ...Object.values(COMMAND_SPECS).map((c) => `  ${c.usage.padEnd(width)}${c.summary}`),
    '',
    `drizzle-kit's names work too: ${Object.entries(ALIASES)
      .map(([from, to]) => `${from} (= ${to})`)
      .join(', ')}.`,
    '',
    'Options for every command:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    EXIT_CODES,
  ].join('\n');
}

/** `smartem-db <command> --help`: its usage and every option it takes. */
export function commandHelp(command: string): string {
  const spec = COMMAND_SPECS[command]!;
  return [
    `Usage: smartem-db ${spec.usage} [options]`,
    '',
    spec.summary + '.',
    ...(spec.options.length ? ['', 'Options:', ...optionLines(spec.options)] : []),
    '',
    'Options for every command:',
    ...optionLines(GLOBAL_OPTIONS),
  ].join('\n');
}
