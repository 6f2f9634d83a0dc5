// The demo's values: a seeded random number generator, and the text COPY takes for each value.

/** mulberry32: a small, fast, well-mixed PRNG; the same seed gives the same sequence everywhere. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Eight hex digits from a 32-bit number. */
function hex32(n: number): string {
  return HEX[(n >>> 24) & 255]! + HEX[(n >>> 16) & 255]! + HEX[(n >>> 8) & 255]! + HEX[n & 255]!;
}

/** A version-4-shaped UUID from the generator (deterministic, like everything here). */
export function uuid(random: () => number): string {
  const a = hex32((random() * 4294967296) >>> 0);
  const b = hex32((random() * 4294967296) >>> 0);
  const c = hex32((random() * 4294967296) >>> 0);
  const d = hex32((random() * 4294967296) >>> 0);
  const variant = '89ab'[(random() * 4) | 0]!;
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4)}${d}`;
}

/**
 * A field in COPY's text format: \N for null, t/f for booleans. Every string here is made by this
 * module (ids, paths, labels) and holds no tab, newline or backslash, so none needs escaping.
 */
function field(value: string | number | boolean | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Math.round(value * 1e4) / 1e4);
  return value;
}

export function line(values: (string | number | boolean | null)[]): string {
  let out = field(values[0]!);
  for (let i = 1; i < values.length; i++) out += '\t' + field(values[i]!);
  return out + '\n';
}

/** A timestamp in PostgreSQL's text form, fast: the date part is computed once a day. */
let cachedDay = -1;
let cachedDate = '';
export function ts(ms: number): string {
  const day = Math.floor(ms / 86_400_000);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDate = new Date(day * 86_400_000).toISOString().slice(0, 10);
  }
  const inDay = ms - day * 86_400_000;
  const h = Math.floor(inDay / 3_600_000);
  const m = Math.floor((inDay % 3_600_000) / 60_000);
  const sec = Math.floor((inDay % 60_000) / 1000);
  return `${cachedDate} ${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}:${sec < 10 ? '0' : ''}${sec}`;
}

/** An integer around `mean` (from half to one and a half of it). */
export function around(random: () => number, mean: number): number {
  return Math.max(1, Math.round(mean * (0.5 + random())));
}
