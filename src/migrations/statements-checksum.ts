import { createHash, type Hash } from 'node:crypto';

/**
 * A running checksum over a script's statements, one at a time: the journal keeps the value for
 * the statements a no-transaction migration has done, so a fix to a failed migration may change
 * what is still to run but not what already ran.
 *
 * @example const c = new StatementsChecksum(); c.add('create table a ()'); c.value()
 */
export class StatementsChecksum {
  private readonly hash: Hash = createHash('sha256');

  add(sql: string): void {
    this.hash.update(sql.replace(/\r\n/g, '\n'));
    this.hash.update('\0');
  }

  value(): string {
    return `sha256:${this.hash.copy().digest('hex')}`;
  }
}

/** The checksum of the first `count` statements (what StatementsChecksum holds after them). */
export function checksumOfFirst(statements: readonly { sql: string }[], count: number): string {
  const checksum = new StatementsChecksum();
  for (const s of statements.slice(0, count)) checksum.add(s.sql);
  return checksum.value();
}
