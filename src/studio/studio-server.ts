import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { doctor, erd, lint, offlineSql, status } from '../api.js';
import { configOf, type CommonOptions } from '../options.js';
import { studioPage } from './studio-page.js';

export interface StudioOptions extends CommonOptions {
  /** The Drizzle model to draw beside the database (default: the SmartEM model in the package). */
  schema?: string | undefined;
  shadowDatabaseUrl?: string | undefined;
  /** The port on 127.0.0.1 (default: one the system picks). */
  port?: number | undefined;
}

export interface Studio {
  /** The page's address, with the token that opens it. */
  url: string;
  close(): Promise<void>;
}

type Answer = (options: StudioOptions) => Promise<unknown>;

/** The database's URL when it is a server (the embedded database has none to read it by). */
function serverUrl(options: StudioOptions): string | undefined {
  if (options.url) return options.url;
  const database = configOf(options)().database;
  return database.kind === 'server' ? database.url : undefined;
}

/** What the page asks for: each a read, none a change. */
const ROUTES: Record<string, Answer> = {
  // Polled every second: one journal read, so a running migration's progress moves.
  '/api/migrations': (options) => status(options),
  '/api/pending': async (options) => {
    const report = await status(options);
    if (report.pending === 0) return { sql: '', findings: [] };
    const [sql, linted] = await Promise.all([
      offlineSql({ ...options, direction: 'up' }),
      // With the database, the lint knows each table's rows and size: what a lock would hold up.
      lint({ ...options, db: serverUrl(options) }).catch((error: Error) => ({ findings: [], error: error.message })),
    ]);
    return { sql, ...linted };
  },
  '/api/diagram': async (options) => {
    // The database beside the model: what the next migration would change, marked; for the
    // embedded database, what its migrations make.
    const from = serverUrl(options) ?? 'migrations';
    return erd({ ...options, from, to: 'schema', format: 'svg' }).catch(async (error: Error) => ({
      ...(await erd({ ...options, from, format: 'svg' })),
      note: `The model could not be drawn beside it (${error.message}); the database alone.`,
    }));
  },
  '/api/doctor': (options) => doctor({ ...options, drift: false }),
};

/**
 * `smartem-db studio`: a local, read-only page of the database — its diagram beside the model's
 * with the difference marked, its migrations (a running one's progress moving), the pending SQL
 * with its hazards, and the doctor's findings with table sizes. It listens on 127.0.0.1 only, and
 * answers only requests that carry the random token in its URL (as Jupyter does); the page holds
 * no password and loads nothing from elsewhere.
 *
 * @example const studio = await startStudio({ url: process.env.DATABASE_URL }); console.log(studio.url);
 */
export async function startStudio(options: StudioOptions = {}): Promise<Studio> {
  const token = randomBytes(24).toString('hex');
  const tokenBytes = Buffer.from(token);
  const allowed = (request: IncomingMessage) => {
    const given = Buffer.from(new URL(request.url ?? '/', 'http://localhost').searchParams.get('token') ?? '');
    return given.length === tokenBytes.length && timingSafeEqual(given, tokenBytes);
  };
  const server = createServer((request, response) => {
    void answer(request, response);
  });
  const answer = async (request: IncomingMessage, response: ServerResponse) => {
    const headers = {
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'content-security-policy':
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'",
    };
    if (request.method !== 'GET' || !allowed(request)) {
      response
        .writeHead(403, { ...headers, 'content-type': 'text/plain' })
        .end('Forbidden: open the address smartem-db studio printed.\n');
      return;
    }
    const path = new URL(request.url!, 'http://localhost').pathname;
    if (path === '/') {
      response.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end(studioPage());
      return;
    }
    const route = ROUTES[path];
    if (!route) {
      response.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('Not found.\n');
      return;
    }
    try {
      const body = JSON.stringify(await route(options));
      response.writeHead(200, { ...headers, 'content-type': 'application/json' }).end(body);
    } catch (error) {
      // The page shows the message (our errors name what is wrong and never hold a password).
      response
        .writeHead(500, { ...headers, 'content-type': 'application/json' })
        .end(JSON.stringify({ error: (error as Error).message }));
    }
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
