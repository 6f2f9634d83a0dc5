import { createHash } from 'node:crypto';

/** sha256 of a file's text as `sha256:<hex>`; line endings are normalised so a CRLF checkout agrees. */
export function checksumOf(text: string): string {
  return `sha256:${createHash('sha256').update(text.replace(/\r\n/g, '\n')).digest('hex')}`;
}
