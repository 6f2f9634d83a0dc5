import type { ZodType, z as zodNamespace } from 'zod';
import { SmartemDbError, type ErrorCode } from '../errors.js';

type Zod = typeof zodNamespace;

/**
 * Checks a file's contents against a zod schema and returns them typed, or throws `code` with a
 * message that names the file and every field at fault. zod is imported here, on first use: only the
 * developer tools read such files, and an application's `migrate()` starts without it.
 *
 * @example const hints = await validated('hints file h.json', raw, (z) => z.strictObject({ allowDataLoss: z.array(z.string()) }), 'BAD_HINT');
 */
export async function validated<T>(
  what: string,
  value: unknown,
  schemaOf: (z: Zod) => ZodType<T>,
  code: ErrorCode,
): Promise<T> {
  const { z } = await import('zod');
  const result = schemaOf(z).safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const field = issue.path.length ? issue.path.map(String).join('.') : '(top)';
    return `${field}: ${issue.message}`;
  });
  throw new SmartemDbError(code, `${what} is not valid: ${problems.join('; ')}.`);
}
