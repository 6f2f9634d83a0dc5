import { SmartemDbError } from '../errors.js';
import { redactUrl } from '../db/redact.js';

/** A state to diff: the migrations folder replayed, the Drizzle model, or a live database URL. */
export type DiffSource = 'migrations' | 'schema' | { url: string; source: string };

export function parseDiffSource(text: string, source = 'the diff source'): DiffSource {
  if (text === 'migrations' || text === 'schema') return text;
  if (/^postgres(ql)?:/i.test(text)) return { url: text, source };
  throw new SmartemDbError(
    'INVALID_ARGUMENT',
    `"${redactUrl(text)}" is not a diff source: give migrations, schema, or a postgres:// URL.`,
  );
}
