import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';

/** A variable's value and where it came from: an env file's path, or 'the environment'. */
interface SourcedValue {
  value: string;
  source: string;
}

export type SourcedEnv = Map<string, SourcedValue>;

/**
 * The env files read, in order; a later one overrides an earlier one, and the real environment
 * overrides them all (the convention of dotenv-flow, Vite and Next.js).
 */
function envFileNames(nodeEnv: string | undefined): string[] {
  const names = ['.env', '.env.local'];
  if (nodeEnv) names.push(`.env.${nodeEnv}`, `.env.${nodeEnv}.local`);
  return names;
}

/**
 * Reads `.env`, `.env.local`, `.env.{NODE_ENV}`, `.env.{NODE_ENV}.local` from `dir`, then layers
 * `environment` on top, remembering where each value came from so an error can name its file.
 *
 * @example loadLayeredEnv(process.cwd(), process.env).get('DATABASE_URL')?.source // '.env.local'
 */
export function loadLayeredEnv(dir: string, environment: NodeJS.ProcessEnv): SourcedEnv {
  const merged: SourcedEnv = new Map();
  const layer = (values: NodeJS.Dict<string>, source: string) => {
    for (const [key, value] of Object.entries(values)) {
      if (value !== undefined) merged.set(key, { value, source });
    }
  };
  const base = ['.env', '.env.local'];
  for (const name of base) layer(readEnvFile(dir, name), name);
  const nodeEnv = environment.NODE_ENV ?? merged.get('NODE_ENV')?.value;
  for (const name of envFileNames(nodeEnv).slice(base.length)) layer(readEnvFile(dir, name), name);
  layer(environment, 'the environment');
  return merged;
}

function readEnvFile(dir: string, name: string): NodeJS.Dict<string> {
  let text: string;
  try {
    text = readFileSync(join(dir, name), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  return parseEnv(text);
}
