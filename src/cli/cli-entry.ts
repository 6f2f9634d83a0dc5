import { pathToFileURL } from 'node:url';

/** The installed CLI (bin/smartem-db.js): one command, in this process. */
export async function runCli(argv: string[]): Promise<number> {
  const { run } = await import('./main.js');
  return run(argv);
}

// Run as a script from the TypeScript sources (`tsx src/cli/cli-entry.ts`, the tests); the
// installed CLI is bin/smartem-db.js.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
