/** `text` as a regular expression that matches it exactly (its special characters escaped). */
export function regexLiteral(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
