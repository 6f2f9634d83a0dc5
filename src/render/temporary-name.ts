/** A temporary name from a real one, within PostgreSQL's 63 bytes. */
export function temporaryName(name: string, suffix: string): string {
  return `${name.slice(0, 63 - suffix.length)}${suffix}`;
}
