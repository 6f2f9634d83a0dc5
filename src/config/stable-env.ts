/** Set by the shell, changing between two runs of one command without changing anything a command could mean. */
const VOLATILE_ENV = new Set(['_', 'OLDPWD', 'SHLVL']);

/** The environment's entries a command's answer may depend on, sorted by name. */
export function stableEnv(env: NodeJS.ProcessEnv): [string, string | undefined][] {
  return Object.entries(env)
    .filter(([k]) => !VOLATILE_ENV.has(k))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
