import { ALIASES, ANSWERS, COMMAND_SPECS, GLOBAL_OPTIONS } from './command-specs.js';
import { EXIT_MEANINGS } from './exit-codes.js';
import { OPTION_SPECS, type OptionName } from './options.js';

function optionLines(names: readonly OptionName[]): string[] {
  const rows = names.map((name) => OPTION_SPECS[name]);
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  return rows.map(([flag, text]) => `  ${flag.padEnd(width)}${text}`);
}

/** Words wrapped to lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : lines;
}

const aliasesLine = (): string =>
  `drizzle-kit's names work too: ${Object.entries(ALIASES)
    .map(([from, to]) => `${from} (= ${to})`)
    .join(', ')}.`;

/** `smartem-db --help`: every command, the global options, the exit codes. */
export function globalHelp(): string {
  const width = Math.max(...Object.values(COMMAND_SPECS).map((c) => c.usage.length)) + 2;
  const exitCodes = Object.entries(EXIT_MEANINGS)
    .map(([code, meaning]) => `${code} ${meaning}`)
    .join('; ');
  return [
    'smartem-db: migrations for the SmartEM PostgreSQL schema',
    '',
    'Usage: smartem-db <command> [arguments] [options]     (smartem-db <command> --help for more)',
    '',
    'Commands:',
    ...Object.values(COMMAND_SPECS).map((c) => `  ${c.usage.padEnd(width)}${c.summary}`),
    '',
    aliasesLine(),
    '',
    'Options for every command:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    ...wrap(`Exit codes: ${exitCodes}.`, 100),
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

const cell = (text: string): string => text.replaceAll('|', '\\|');
/** Prose in a table: `<command>` would read as an HTML tag. */
const prose = (text: string): string => cell(text).replaceAll('<', '&lt;');
const optionRows = (names: readonly OptionName[]): string[] => [
  '| option | meaning |',
  '|---|---|',
  ...names.map((name) => `| \`${cell(OPTION_SPECS[name][0])}\` | ${prose(OPTION_SPECS[name][1])} |`),
];

/**
 * docs/cli.md: the CLI reference, made from the same specs as --help so the two cannot drift
 * (`npm run docs:cli` writes it; a test fails when the file and this differ).
 */
export function cliReference(): string {
  const commands = Object.entries(COMMAND_SPECS);
  return [
    '# The CLI',
    '',
    '<!-- Written by `npm run docs:cli` from src/cli/command-specs.ts and options.ts: edit those, not this. -->',
    '',
    'In a project that depends on smartem-db: `npx smartem-db <command> [arguments] [options]`; in this',
    'repository: `npm run smartem-db -- <command>` (or the `db:*` scripts). `smartem-db <command> --help`',
    "prints a command's part of this page.",
    '',
    '| command | does |',
    '|---|---|',
    ...commands.map(([name, spec]) => `| [\`${cell(spec.usage)}\`](#${name}) | ${prose(spec.summary)} |`),
    '',
    `${aliasesLine()} ${Object.keys(ANSWERS)
      .map((name) => `\`${name}\``)
      .join(', ')} answer with what to do instead.`,
    '',
    '## Options for every command',
    '',
    ...optionRows(GLOBAL_OPTIONS),
    '',
    ...commands.flatMap(([name, spec]) => [
      `## ${name}`,
      '',
      '```',
      `smartem-db ${spec.usage} [options]`,
      '```',
      '',
      `${spec.summary}.`,
      ...(spec.options.length ? ['', ...optionRows(spec.options)] : []),
      '',
    ]),
    '## Exit codes',
    '',
    'With `--json`, every failure is one document `{"error": {"code", "message", "exitCode"}}` on stdout.',
    '',
    '| code | meaning |',
    '|---|---|',
    ...Object.entries(EXIT_MEANINGS).map(([code, meaning]) => `| ${code} | ${prose(meaning)} |`),
    '',
  ].join('\n');
}
