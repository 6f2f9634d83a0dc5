import { vi } from 'vitest';
import { run } from '../../src/cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI in this process (as bin/smartem-db.js does, without a new Node and tsx compiling the
 * sources again) and captures what it prints. `env` replaces the environment for the call; `cwd`
 * is the working directory it runs in. Test files run in their own processes, so this is theirs.
 */
export async function runCli(
  argv: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const saved = { ...process.env };
  const savedCwd = process.cwd();
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  if (options.env) {
    for (const key of Object.keys(process.env)) delete process.env[key];
    Object.assign(process.env, options.env);
  }
  if (options.cwd) process.chdir(options.cwd);
  try {
    const code = await run(argv);
    return { code, stdout, stderr };
  } finally {
    vi.restoreAllMocks();
    if (options.cwd) process.chdir(savedCwd);
    for (const key of Object.keys(process.env)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}
