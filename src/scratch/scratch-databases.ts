import { randomBytes } from 'node:crypto';
import { openEmbeddedSession } from '../db/pglite-session.js';
import { openServerSession } from '../db/postgres-session.js';
import { redactUrl } from '../db/redact.js';
import type { DbSession } from '../db/session.js';
import { quoteIdent } from '../sql/quote.js';
import { SmartemDbError } from '../errors.js';

/** Where scratch databases are made: new databases on a server, or in-memory PGlite. */
export type ScratchTarget = { kind: 'server'; url: string; source: string } | { kind: 'embedded' };

/**
 * Runs `work` with `count` new, empty scratch databases and drops them afterwards, also when
 * `work` fails. On a server they are `CREATE DATABASE smartem_scratch_<pid>_<random>` (the user needs
 * CREATEDB); embedded, they are in-memory PGlite instances.
 *
 * @example await withScratchDatabases({ kind: 'embedded' }, 2, async ([a, b]) => { ... });
 */
export async function withScratchDatabases<T>(
  target: ScratchTarget,
  count: number,
  work: (sessions: DbSession[]) => Promise<T>,
): Promise<T> {
  if (target.kind === 'embedded') {
    const sessions: DbSession[] = [];
    try {
      // Booted at the same time; any that did boot are closed below if another failed.
      const opened = await Promise.allSettled(Array.from({ length: count }, () => openEmbeddedSession(undefined)));
      for (const o of opened) if (o.status === 'fulfilled') sessions.push(o.value);
      const failed = opened.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (failed) throw failed.reason;
      return await work(sessions);
    } finally {
      await Promise.all(sessions.map((s) => s.close().catch(() => {})));
    }
  }

  const names = Array.from({ length: count }, () => `smartem_scratch_${process.pid}_${randomBytes(4).toString('hex')}`);
  const created: string[] = [];
  const sessions: DbSession[] = [];
  try {
    // Each on its own connection, so the databases are made (and dropped) at the same time.
    await Promise.all(
      names.map(async (name) => {
        const maker = await openServerSession(target.url, { source: target.source });
        try {
          await maker.exec(`CREATE DATABASE ${quoteIdent(name)}`);
          created.push(name);
        } catch (error) {
          throw new SmartemDbError(
            'SCRATCH_FAILED',
            `Cannot create a scratch database on ${redactUrl(target.url)} (from ${target.source}): ${(error as Error).message}. ` +
              'smartem-db needs a role with CREATEDB there, or set SHADOW_DATABASE_URL to a server where it may create databases.',
            { cause: error },
          );
        } finally {
          await maker.close();
        }
      }),
    );
    for (const name of names) {
      const url = new URL(target.url);
      url.pathname = `/${name}`;
      sessions.push(await openServerSession(url.toString(), { source: `a scratch database on ${target.source}` }));
    }
    return await work(sessions);
  } finally {
    await Promise.all(sessions.map((s) => s.close().catch(() => {})));
    await Promise.all(
      created.map(async (name) => {
        const dropper = await openServerSession(target.url, { source: target.source }).catch(() => undefined);
        await dropper?.exec(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`).catch(() => {});
        await dropper?.close();
      }),
    );
  }
}
