import { SmartemDbError } from '../errors.js';
import { redactUrl } from '../db/redact.js';

/**
 * A state to diff or draw: the migrations folder replayed (all of it, or up to a migration:
 * `migrations@002`), the Drizzle model, or a live database URL.
 */
export type DiffSource = 'migrations' | 'schema' | { url: string; source: string } | { upTo: string };

export function parseDiffSource(text: string, source = 'the diff source'): DiffSource {
  if (text === 'migrations' || text === 'schema') return text;
  const upTo = /^migrations@(.+)$/.exec(text);
  if (upTo) return { upTo: upTo[1]! };
  if (/^postgres(ql)?:/i.test(text)) return { url: text, source };
  throw new SmartemDbError(
    'INVALID_ARGUMENT',
    `"${redactUrl(text)}" is not a schema source: give migrations (or migrations@<id> for the folder up to one), schema, or a postgres:// URL.`,
  );
}
