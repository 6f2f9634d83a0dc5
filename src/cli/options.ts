import type { ParseArgsConfig } from 'node:util';

/** The CLI's options (README lists them); parseArgs reads them. */
export const CLI_OPTIONS = {
  url: { type: 'string' },
  migrations: { type: 'string' },
  'journal-schema': { type: 'string' },
  'journal-table': { type: 'string' },
  'lock-timeout': { type: 'string' },
  sql: { type: 'boolean' },
  from: { type: 'string' },
  'allow-out-of-order': { type: 'boolean' },
  resume: { type: 'boolean' },
  message: { type: 'string', short: 'm' },
  schema: { type: 'string' },
  'from-db': { type: 'string' },
  rename: { type: 'string', multiple: true },
  'rename-table': { type: 'string', multiple: true },
  hints: { type: 'string' },
  'allow-data-loss': { type: 'boolean' },
  online: { type: 'boolean' },
  empty: { type: 'boolean' },
  'no-prompt': { type: 'boolean' },
  'shadow-url': { type: 'string' },
  to: { type: 'string' },
  down: { type: 'boolean' },
  db: { type: 'string' },
  'model-only': { type: 'boolean' },
  all: { type: 'boolean' },
  'with-data': { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  embedded: { type: 'boolean' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsConfig['options'];

type Parsed<T> = { [K in keyof T]?: T[K] extends { type: 'boolean' } ? boolean : T[K] extends { multiple: true } ? string[] : string };
export type CliValues = Parsed<typeof CLI_OPTIONS>;
