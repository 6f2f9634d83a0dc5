#!/usr/bin/env node
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { CommonOptions } from '../options.js';
import { redactCredentials } from '../db/redact.js';
import { SmartemDbError } from '../errors.js';
import type { Logger } from '../migrations/logger.js';
import { COMMANDS } from './commands.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { CLI_OPTIONS, type CliValues } from './options.js';
import { ALIASES, ANSWERS, closest, COMMAND_SPECS, GLOBAL_OPTIONS } from './command-specs.js';
import { readDrizzleConfig } from './drizzle-config.js';
import { commandHelp, globalHelp } from './help.js';
import { paint, wantsColour } from './terminal.js';
import { packageVersion } from '../config/package-root.js';
import { processIo, type CliIo } from './cli-io.js';
import { preferBaselineWasm } from './short-lived-wasm.js';

/**
 * Runs one CLI command and returns its exit code; every command is a thin call into the API.
 * `io` is the terminal (this process's by default).
 */
export async function run(argv: string[], { io = processIo() }: RunOptions = {}): Promise<number> {
  preferBaselineWasm();
  // Known before parsing, so that even a usage error is one JSON document under --json.
  const json = argv.includes('--json');
  const colour = !json && wantsColour({ isTTY: io.stderrIsTTY });
  const usage = (message: string) => fail(io, json, colour, 'USAGE', message, EXIT.usage);
  // "-1" is a target (one step back), not an option: keep parseArgs from reading it as a flag.
  const STEPS = 'steps:';
  const args0 = argv.map((a) => (/^-\d+$/.test(a) ? `${STEPS}${a}` : a));
  let parsed;
  try {
    parsed = parseArgs({ args: args0, allowPositionals: true, allowNegative: false, options: CLI_OPTIONS });
  } catch (error) {
    return usage(optionError((error as Error).message));
  }
  const values = parsed.values as CliValues;
  const [given, ...args] = parsed.positionals.map((p) => (p.startsWith(STEPS) ? p.slice(STEPS.length) : p));
  if (values.version) {
    io.out(json ? `${JSON.stringify({ version: packageVersion() })}\n` : `smartem-db ${packageVersion()}\n`);
    return EXIT.ok;
  }
  if (!given || given === 'help') {
    const topic = given === 'help' ? args[0] : undefined;
    if (topic && !COMMAND_SPECS[ALIASES[topic] ?? topic]) return usage(unknownCommand(topic));
    io.out(`${topic ? commandHelp(ALIASES[topic] ?? topic) : globalHelp()}\n`);
    return values.help || given === 'help' ? EXIT.ok : EXIT.usage;
  }
  if (ANSWERS[given]) return fail(io, json, colour, 'USAGE', ANSWERS[given], EXIT.usage);
  const command = ALIASES[given] ?? given;
  const spec = COMMAND_SPECS[command];
  const verb = COMMANDS[command];
  if (!spec || !verb) return usage(unknownCommand(given));
  if (values.help) {
    io.out(`${commandHelp(command)}\n`);
    return EXIT.ok;
  }
  if (args.length > spec.maxArgs) {
    return usage(
      `${command} takes ${spec.maxArgs === 0 ? 'no arguments' : `at most ${spec.maxArgs} argument`}, but was given "${args.slice(spec.maxArgs).join('" "')}". Usage: smartem-db ${spec.usage}`,
    );
  }
  const allowed = new Set<string>([...GLOBAL_OPTIONS, ...spec.options]);
  const stray = Object.keys(values).filter((name) => !allowed.has(name));
  if (stray.length > 0) {
    return usage(
      `--${stray[0]} does not apply to ${command}. Its options: ${spec.options.map((o) => `--${o}`).join(', ') || 'only the common ones'} (smartem-db ${command} --help).`,
    );
  }

  const started = performance.now();
  const stamp = () => paint(`[${((performance.now() - started) / 1000).toFixed(1)}s]`, 'dim', colour);
  const heartbeat = io.stderrIsTTY && !values.quiet;
  const logger: Logger | undefined = values.quiet
    ? undefined
    : {
        info: (m) => io.err(`${heartbeat ? CLEAR_LINE : ''}${stamp()} ${m}\n`),
        warn: (m) => io.err(`${heartbeat ? CLEAR_LINE : ''}${paint('warning:', 'yellow', colour)} ${m}\n`),
        // On a terminal only: a line that rewrites itself while a long statement runs.
        ...(heartbeat ? { heartbeat: (m: string) => io.err(`${CLEAR_LINE}${stamp()} ${m}`) } : {}),
      };
  const lockTimeout = values['lock-timeout'];
  const lockRetries = values['lock-retries'];
  if (lockRetries !== undefined && !/^\d+$/.test(lockRetries))
    return usage(`--lock-retries takes a number, not "${lockRetries}".`);
  if (lockTimeout !== undefined && !/^\d+$/.test(lockTimeout))
    return usage(`--lock-timeout takes milliseconds, not "${lockTimeout}".`);
  const maxReplicaLag = values['max-replica-lag'];
  if (maxReplicaLag !== undefined && !/^\d+$/.test(maxReplicaLag))
    return usage(`--max-replica-lag takes milliseconds, not "${maxReplicaLag}".`);
  try {
    const fromConfig = values.config ? await readDrizzleConfig(values.config, process.cwd()) : {};
    const common: CommonOptions = {
      url: values.url ?? fromConfig.url,
      directUrl: values['direct-url'],
      migrationsFolder: values.migrations ?? fromConfig.out,
      journal: {
        ...(values['journal-schema'] ? { schema: values['journal-schema'] } : {}),
        ...(values['journal-table'] ? { table: values['journal-table'] } : {}),
      },
      lockTimeoutMs: lockTimeout === undefined ? undefined : Number(lockTimeout),
      lockRetries: lockRetries === undefined ? undefined : Number(lockRetries),
      maxReplicaLagMs: maxReplicaLag === undefined ? undefined : Number(maxReplicaLag),
      logger,
      // On a developer's machine with no database configured, the embedded one; never unasked in production.
      embedded: values.embedded ? true : 'unless-production',
    };
    if (values.schema === undefined && fromConfig.schema) values.schema = fromConfig.schema;
    const print = (text: string, data: unknown) => io.out(`${json ? JSON.stringify(data, null, 2) : text}\n`);
    return await verb({ args, values, common, json, print, usage, colour, io });
  } catch (error) {
    if (error instanceof SmartemDbError)
      return fail(io, json, colour, error.code, error.message, exitCodeFor(error.code));
    // Not one of ours: a bug, or something the code did not foresee. Still one JSON document,
    // still no password, and an exit code of its own.
    const message = redactCredentials(error instanceof Error ? error.message : String(error));
    return fail(
      io,
      json,
      colour,
      'UNEXPECTED',
      `${message}\n(This is unexpected: please report it with the command you ran.)`,
      EXIT.unexpected,
    );
  }
}

interface RunOptions {
  io?: CliIo;
}

const CLEAR_LINE = '\r\u001b[K';

/** parseArgs's message, with "did you mean" for an unknown option. */
function optionError(message: string): string {
  const unknown = /Unknown option '(-{1,2})([^']+)'/.exec(message);
  if (!unknown) return message;
  const meant = closest(unknown[2]!, Object.keys(CLI_OPTIONS));
  return `Unknown option ${unknown[1]}${unknown[2]}.${meant ? ` Did you mean --${meant}?` : ''} (smartem-db --help lists them.)`;
}

function unknownCommand(given: string): string {
  const meant = closest(given, [...Object.keys(COMMAND_SPECS), ...Object.keys(ALIASES)]);
  return `Unknown command "${given}".${meant ? ` Did you mean "${ALIASES[meant] ?? meant}"?` : ''} Commands: ${Object.keys(COMMAND_SPECS).join(', ')}.`;
}

/** Reports a failure: one JSON document on stdout with --json, and the message on stderr. */
function fail(io: CliIo, json: boolean, colour: boolean, code: string, message: string, exit: number): number {
  if (json) io.out(`${JSON.stringify({ error: { code, message, exitCode: exit } }, null, 2)}\n`);
  io.err(
    `${paint('error:', 'red', colour)} ${message}\n${code === 'USAGE' ? 'Run smartem-db --help for usage.\n' : ''}`,
  );
  return exit;
}

// Run when executed as a script (`tsx src/cli/main.ts`); bin/smartem-db.js imports run() instead.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
