/** Items by a key, for comparing two lists of named things. */
export function byKey<T>(items: readonly T[], key: (item: T) => string): Map<string, T> {
  return new Map(items.map((item) => [key(item), item]));
}

/** What is only in `a`, only in `b`, and in both (as [a, b] pairs), by key; in the lists' order. */
export function compareKeyed<T>(a: readonly T[], b: readonly T[], key: (item: T) => string) {
  const inA = byKey(a, key);
  const inB = byKey(b, key);
  return {
    removed: a.filter((x) => !inB.has(key(x))),
    added: b.filter((x) => !inA.has(key(x))),
    both: a.filter((x) => inB.has(key(x))).map((x) => [x, inB.get(key(x))!] as const),
  };
}
