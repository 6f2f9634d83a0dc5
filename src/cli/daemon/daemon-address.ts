import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stableEnv } from '../../config/stable-env.js';
import { fileStamp } from '../../files/files.js';

/** Everything a daemon's answers depend on besides the files it reads anew each time. */
export interface DaemonIdentity {
  cwd: string;
  env: NodeJS.ProcessEnv;
  execPath: string;
  nodeVersion: string;
  /** The installed smartem-db: a build or an install writes its files anew. */
  code: string;
}

/**
 * The socket's file name for an identity: one daemon per project folder, environment, Node and
 * installed smartem-db, so a daemon never answers for a setting it was not started with.
 *
 * @example daemonSocketName(thisIdentity()) // 'd-3f9c…e1.sock'
 */
export function daemonSocketName(id: DaemonIdentity): string {
  const hash = createHash('sha256')
    .update(JSON.stringify([id.cwd, stableEnv(id.env), id.execPath, id.nodeVersion, id.code]))
    .digest('hex')
    .slice(0, 32);
  return `d-${hash}.sock`;
}

/** This process's identity. */
export function thisIdentity(): DaemonIdentity {
  return {
    cwd: process.cwd(),
    env: process.env,
    execPath: process.execPath,
    nodeVersion: process.version,
    code: codeStamp(),
  };
}

/**
 * The inode, size and time of this module and of the CLI's main module: every build and install
 * writes them anew. Run from the TypeScript sources (tests), any edited source file counts.
 */
export function codeStamp(): string {
  const self = fileURLToPath(import.meta.url);
  const main = fileURLToPath(new URL(`../main${extname(self)}`, import.meta.url));
  const stamp = (file: string) => `${file}:${fileStamp(file)}`;
  if (extname(self) === '.js') return [self, main].map(stamp).join(' ');
  const src = fileURLToPath(new URL('../..', import.meta.url));
  const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  return files
    .sort()
    .map((f) => stamp(join(src, f)))
    .join(' ');
}

/**
 * The folder of this user's daemon sockets, or null when there can be none: not a POSIX system,
 * or the folder is not this user's alone (a socket there would take commands from other users).
 * `create` makes it, mode 0700.
 */
export function daemonFolder(create: boolean): string | null {
  const uid = process.getuid?.();
  if (uid === undefined || process.platform === 'win32') return null;
  const dir = join(tmpdir(), `smartem-db-daemons-${uid}`);
  if (create) {
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return null;
    }
  }
  try {
    const s = lstatSync(dir);
    return s.isDirectory() && s.uid === uid && (s.mode & 0o077) === 0 ? dir : null;
  } catch {
    return null;
  }
}

/** This process's daemon's socket, or null when there can be none. */
export function daemonSocket(create = false): string | null {
  const dir = daemonFolder(create);
  return dir && join(dir, daemonSocketName(thisIdentity()));
}
