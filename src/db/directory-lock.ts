import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { SmartemDbError } from '../errors.js';

interface Holder {
  pid: number;
  host: string;
  since: string;
  command: string;
}

/**
 * Takes an exclusive lock on a directory that one process at a time may open (the embedded PGlite
 * database, which has no locking of its own: two processes on its files can corrupt it). The lock
 * is a file beside it, created exclusively, naming the holder; a lock whose process is gone (on
 * this host) is stale and taken over. Returns the release function.
 *
 * @example const release = lockDirectory('.smartem-db/pglite'); try { ... } finally { release(); }
 */
export function lockDirectory(dir: string, what: string): () => void {
  const taken = tryLockDirectory(dir);
  if (typeof taken === 'function') return taken;
  throw new SmartemDbError(
    'DATABASE_BUSY',
    `${what} is in use by another process${describeHolder(taken)}: it is one process's database, and two at once could ` +
      `corrupt it. Wait for that one to finish. If it is gone for good (another host, say), remove ${dir}.lock.`,
  );
}

/**
 * Takes the lock of a folder that one command at a time may write (the migrations folder, while
 * generate, rebase or hash writes it), waiting up to `timeoutMs` for another holder, and saying
 * once who that is (`onWait`). Throws FOLDER_BUSY naming the holder when it is not released in time.
 *
 * @example const release = await lockFolderWaiting('drizzle', 'The migrations folder drizzle', { onWait: log.info });
 */
export async function lockFolderWaiting(
  dir: string,
  what: string,
  { timeoutMs = 120_000, onWait }: { timeoutMs?: number; onWait?: (message: string) => void } = {},
): Promise<() => void> {
  const until = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    const taken = tryLockDirectory(dir);
    if (typeof taken === 'function') return taken;
    if (Date.now() >= until)
      throw new SmartemDbError(
        'FOLDER_BUSY',
        `${what} is being written by another command${describeHolder(taken)}, and it did not finish within ` +
          `${Math.round(timeoutMs / 1000)} s. Run one at a time; if that command is gone for good (another host, say), remove ${dir}.lock.`,
      );
    if (!told) onWait?.(`${what} is being written by another command${describeHolder(taken)}; waiting for it ...`);
    told = true;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The lock of a folder one command at a time may write, taken now or FOLDER_BUSY (lockFolderWaiting, without the wait). */
export function lockFolder(dir: string, what: string): () => void {
  const taken = tryLockDirectory(dir);
  if (typeof taken === 'function') return taken;
  throw new SmartemDbError(
    'FOLDER_BUSY',
    `${what} is being written by another command${describeHolder(taken)}. Run one at a time; if that command is ` +
      `gone for good (another host, say), remove ${dir}.lock.`,
  );
}

function describeHolder(holder: Holder | undefined): string {
  return holder ? ` (pid ${holder.pid} on ${holder.host} since ${holder.since}: ${holder.command})` : '';
}

/** The release function, or the holder (undefined when it cannot be read) of a lock another process holds. */
function tryLockDirectory(dir: string): (() => void) | Holder | undefined {
  const file = `${dir}.lock`;
  mkdirSync(dirname(file), { recursive: true });
  const me: Holder = {
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    command: process.argv.slice(1).join(' '),
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          unlinkSync(file);
        } catch {
          // already gone: nothing to release
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readHolder(file);
    if (holder && holder.host === me.host && !processRuns(holder.pid)) {
      // Its process died without releasing it (killed, crashed): take it over.
      unlinkSync(file);
      continue;
    }
    return holder;
  }
  return undefined;
}

function readHolder(file: string): Holder | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Holder;
  } catch {
    return undefined;
  }
}

/** Whether a process with this pid runs on this host (one of another user's counts too). */
export function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
