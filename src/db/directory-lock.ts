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
          // already gone
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readHolder(file);
    if (holder && holder.host === me.host && !alive(holder.pid)) {
      // Its process died without releasing it (killed, crashed): take it over.
      unlinkSync(file);
      continue;
    }
    throw new SmartemDbError(
      'DATABASE_BUSY',
      `${what} is in use by another process` +
        (holder ? ` (pid ${holder.pid} on ${holder.host} since ${holder.since}: ${holder.command})` : '') +
        `: it is one process's database, and two at once could corrupt it. Wait for that one to finish. If it is gone ` +
        `for good (another host, say), remove ${file}.`,
    );
  }
  throw new SmartemDbError('DATABASE_BUSY', `${what}: could not take its lock ${file}.`);
}

function readHolder(file: string): Holder | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Holder;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
