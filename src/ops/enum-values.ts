/** An enum's values with `value` inserted before `before` (or last). */
export function insertValue(values: readonly string[], value: string, before: string | null): string[] {
  const at = before === null ? values.length : values.indexOf(before);
  return [...values.slice(0, at), value, ...values.slice(at)];
}
