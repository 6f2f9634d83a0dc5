let longLived = false;
let modelLoaded: (() => void) | undefined;

/**
 * Marks this process as one that outlives its commands (the CLI's daemon, daemon-server.ts): a
 * model is then never imported through Node's module cache, which would keep its first version
 * for the life of the process, and never loaded on a worker, whose drizzle-kit would start cold.
 */
export function markLongLived(): void {
  longLived = true;
}

/** Whether markLongLived was called in this process. */
export function isLongLived(): boolean {
  return longLived;
}

/** Thrown in a long-lived process for what only a fresh one can do right: the daemon hands the command back. */
export class FreshProcessNeeded extends Error {}

/** Called once the next model has loaded fresh (the daemon holds a command's output until then). */
export function onModelLoaded(callback: (() => void) | undefined): void {
  modelLoaded = callback;
}

/** Says the model loaded fresh, to whoever asked with onModelLoaded. */
export function modelLoadedFresh(): void {
  modelLoaded?.();
}

const afterAnswer: (() => Promise<void>)[] = [];

/**
 * Work the answer does not wait for (keeping the replay, dropping scratch databases): in a
 * long-lived process it runs once the client has its answer, before the next command
 * (runAfterAnswer); in a process of one command, now.
 */
export async function whenAnswered(work: () => Promise<void>): Promise<void> {
  if (longLived) afterAnswer.push(work);
  else await work();
}

/** Runs what whenAnswered put off, in order; a failure of one does not stop the rest. */
export async function runAfterAnswer(): Promise<void> {
  for (let work = afterAnswer.shift(); work; work = afterAnswer.shift()) await work().catch(() => {});
}
