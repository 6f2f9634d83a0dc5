/** One line of the doctor's report: how bad, about what, and what to do. */
export interface Finding {
  severity: 'info' | 'warn' | 'error';
  /** Which check found it. */
  check:
    | 'sizes'
    | 'indexes'
    | 'foreign-keys'
    | 'sequences'
    | 'sessions'
    | 'settings'
    | 'migrations'
    | 'drift'
    | 'statements';
  message: string;
  /** What to do about it (often SQL), when there is something to do. */
  fix?: string;
}

export const finding = (
  severity: Finding['severity'],
  check: Finding['check'],
  message: string,
  fix?: string,
): Finding => (fix === undefined ? { severity, check, message } : { severity, check, message, fix });
