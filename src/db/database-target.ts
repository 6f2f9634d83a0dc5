/** Where the database is: a server reached by URL, or the embedded PGlite database on disk. */
export type DatabaseTarget =
  | {
      kind: 'server';
      url: string;
      source: string;
      /** DIRECT_DATABASE_URL: where migrations run when `url` goes through a transaction-mode pooler. */
      direct?: { url: string; source: string };
    }
  | {
      kind: 'embedded';
      dataDir: string;
      /** NODE_ENV is production: never fall back to it unasked. */ production: boolean;
    };
