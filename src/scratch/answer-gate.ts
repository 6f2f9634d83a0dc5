/**
 * When the scratch work of a command that may be answered without it (a remembered "no
 * changes") starts: as soon as `from` allows (the model's files are known, so a remembered answer
 * would have come from them already), or once the model's statements are known and were not
 * answered before. The work and the model load then overlap; an answered command starts nothing.
 *
 * @example const gate = answerGate(statementsPromise, (s) => known(s), sourcesKnown);
 *          const db = gate.start(() => pool.create()); const { answered } = await gate.decided;
 */
export function answerGate(
  statements: string[] | Promise<string[]>,
  answeredBefore?: (statements: string[]) => boolean,
  from?: Promise<void>,
): {
  /** Runs `work` once allowed; null when the statements were answered before. */
  start: <T>(work: () => Promise<T>) => Promise<T | null>;
  /** The statements, and whether they were answered before. */
  decided: Promise<{ statements: string[]; answered: boolean }>;
} {
  let answered = false; // set before `decided` settles, so whatever `decided` opens sees it
  const decided = Promise.resolve(statements).then((s) => {
    answered = answeredBefore?.(s) ?? false;
    return { statements: s, answered };
  });
  decided.catch(() => {}); // the caller awaits it
  const open = Promise.race([from ?? Promise.resolve(), decided]);
  return {
    start: (work) => open.then(() => (answered ? null : work())),
    decided,
  };
}
