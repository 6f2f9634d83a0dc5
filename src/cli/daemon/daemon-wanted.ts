import { parseArgs } from 'node:util';
import { CLI_OPTIONS } from '../options.js';

/** The commands a developer runs after each edit, whose cost is mostly a cold process. */
const DAEMON_COMMANDS = new Set(['generate', 'diff', 'check']);

/**
 * Whether this command goes to a daemon: generate, diff or check, on a terminal and not in CI,
 * unless SMARTEM_DB_DAEMON says otherwise (0/false/no/off: never; 1/true/yes/on: also piped and in CI).
 *
 * @example daemonWanted(['generate', '-m', 'x'], process.env, true) // true
 */
export function daemonWanted(argv: string[], env: NodeJS.ProcessEnv, stderrIsTTY: boolean): boolean {
  const setting = env.SMARTEM_DB_DAEMON?.trim().toLowerCase();
  if (setting && ['0', 'false', 'no', 'off'].includes(setting)) return false;
  const forced = setting !== undefined && ['1', 'true', 'yes', 'on'].includes(setting);
  if (!forced && (!stderrIsTTY || (env.CI !== undefined && env.CI !== '' && env.CI !== 'false'))) return false;
  if (argv.some((a) => a === '--help' || a === '-h' || a === '--version')) return false;
  try {
    const { positionals } = parseArgs({ args: argv, options: CLI_OPTIONS, allowPositionals: true, strict: false });
    return DAEMON_COMMANDS.has(positionals[0] ?? '');
  } catch {
    return false;
  }
}
