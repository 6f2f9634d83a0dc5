/** One result of the doctor: how bad, which check, what it found, and what to do. */
export interface Finding {
  severity: 'info' | 'warn' | 'error';
  /** Which check found it. */
  check:
    | 'sizes'
    | 'indexes'
    | 'foreign-keys'
    | 'sequences'
    | 'vacuum'
    | 'bloat'
    | 'wraparound'
    | 'cache'
    | 'connections'
    | 'replication'
    | 'statistics'
    | 'sessions'
    | 'settings'
    | 'migrations'
    | 'drift'
    | 'statements';
  message: string;
  /** The objects it concerns, each with its own figures (one finding per check, not one per object). */
  objects?: string[];
  /** What to do about it (often SQL), when there is something to do. */
  fix?: string;
  /** Where the fix is a schema change: the edit to the Drizzle model that makes `db:generate` write it. */
  model?: string;
}

export const finding = (
  severity: Finding['severity'],
  check: Finding['check'],
  message: string,
  fix?: string,
  more: Pick<Finding, 'objects' | 'model'> = {},
): Finding => ({
  severity,
  check,
  message,
  ...(more.objects?.length ? { objects: more.objects } : {}),
  ...(fix === undefined ? {} : { fix }),
  ...(more.model === undefined ? {} : { model: more.model }),
});

const RANK: Record<Finding['severity'], number> = { error: 0, warn: 1, info: 2 };

/** Errors first, then warnings, then information; within each, in the order the checks ran. */
export function rankFindings(findings: readonly Finding[]): Finding[] {
  return findings
    .map((f, i) => [f, i] as const)
    .sort(([a, i], [b, j]) => RANK[a.severity] - RANK[b.severity] || i - j)
    .map(([f]) => f);
}

/** The property a Drizzle model gives a column, as SmartEM's model names them (`foilhole_uuid` is `foilholeUuid`). */
export const propertyOf = (column: string): string => column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
