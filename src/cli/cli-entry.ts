import { pathToFileURL } from 'node:url';
import { daemonWanted } from './daemon/daemon-wanted.js';

/**
 * The installed CLI (bin/smartem-db.js): generate, diff and check on a terminal go to the
 * project's daemon when one runs (daemon-client.ts), and start one for next time when none does;
 * everything else runs here, as it always has. Only this small module loads before that choice.
 */
export async function runCli(argv: string[]): Promise<number> {
  const daemon = daemonWanted(argv, process.env, process.stderr.isTTY === true);
  const client = daemon ? await import('./daemon/daemon-client.js') : null;
  const answer = client ? await client.runOnDaemon(argv) : null;
  if (typeof answer === 'number') return answer;
  const { run } = await import('./main.js');
  const code = await run(argv);
  if (answer?.startDaemon) client?.startDaemon();
  return code;
}

// Run as a script from the TypeScript sources (`tsx src/cli/cli-entry.ts`, the tests); the
// installed CLI is bin/smartem-db.js.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
