/**
 * The form PostgreSQL gives an expression once it has read back its own printed text. A CHECK
 * or index predicate written `status IN ('a', 'b')` on a varchar column prints as
 * `(ARRAY['a'::character varying, 'b'::character varying])::text[]`; created again from that
 * text it prints as `ARRAY[('a'::character varying)::text, ...]`, and from then on stays so.
 * Introspection keeps the second form on both sides, so a round trip compares equal.
 *
 * @example canonicalExpression("(ARRAY['a'::character varying])::text[]") // "ARRAY[('a'::character varying)::text]"
 */
export function canonicalExpression(text: string): string {
  if (!text.includes('(ARRAY[')) return text;
  return text.replace(ARRAY_CAST, (whole, items: string, type: string) => {
    const parts = splitLiterals(items);
    return parts ? `ARRAY[${parts.map((p) => `(${p})::${type}`).join(', ')}]` : whole;
  });
}

const LITERAL = `'(?:[^']|'')*'::[a-z][a-z0-9_ ]*(?:\\(\\d+(?:,\\d+)?\\))?`;
const ARRAY_CAST = new RegExp(`\\(ARRAY\\[(${LITERAL}(?:, ${LITERAL})*)\\]\\)::([a-z][a-z0-9_ ]*)\\[\\]`, 'g');
const ONE = new RegExp(`^${LITERAL}$`);

/** The array's items, each a cast literal; null when one is not (left as printed). */
function splitLiterals(items: string): string[] | null {
  const parts: string[] = [];
  let at = 0;
  let inQuote = false;
  for (let i = 0; i < items.length; i++) {
    const ch = items[i];
    if (ch === "'") inQuote = !inQuote;
    else if (!inQuote && ch === ',' && items[i + 1] === ' ') {
      parts.push(items.slice(at, i));
      at = i + 2;
    }
  }
  parts.push(items.slice(at));
  return parts.every((p) => ONE.test(p)) ? parts : null;
}
