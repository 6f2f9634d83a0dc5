import type { RunResult } from '../migrations/runner.js';
import type { StatusReport } from '../migrations/status.js';

export function formatRun(result: RunResult, verb: 'upgrade' | 'downgrade'): string {
  if (result.ran.length === 0) {
    return `Nothing to ${verb}: ${result.database} is at ${result.head ?? 'base'}.`;
  }
  const total = result.ran.reduce((sum, r) => sum + r.durationMs, 0);
  const lines = result.ran.map((r) => `  ${r.direction === 'up' ? 'applied    ' : 'rolled back'} ${r.id}  (${r.durationMs} ms)`);
  return [`${verb === 'upgrade' ? 'Upgraded' : 'Downgraded'} ${result.database}:`, ...lines, `Now at ${result.head ?? 'base'} (${total} ms in all).`].join('\n');
}

export function formatStatus(report: StatusReport): string {
  const rows = report.migrations.map((m) => {
    const when = m.appliedAt ? m.appliedAt.toISOString().replace('T', ' ').slice(0, 19) : '';
    const took = m.executionMs != null ? `${m.executionMs} ms` : m.stamped ? 'stamped' : '';
    const flags = [
      m.checksumMatches === false ? 'EDITED SINCE APPLIED' : '',
      m.state === 'failed' || m.state === 'running' ? `stopped at statement ${(m.statementsDone ?? 0) + 1} of ${m.statementsTotal}` : '',
    ].filter(Boolean);
    return [m.state.padEnd(8), m.id.padEnd(52), when.padEnd(20), took.padEnd(9), flags.join('; ')].join(' ').trimEnd();
  });
  const head = `Database: ${report.database}\nJournal:  ${report.journal}\nHead:     ${report.head ?? 'base'}${
    report.head === report.latest ? ' (latest)' : ''
  }\nPending:  ${report.pending}`;
  const table = rows.length ? ['', `${'state'.padEnd(8)} ${'migration'.padEnd(52)} ${'applied at (UTC)'.padEnd(20)} took`, ...rows] : ['', 'No migrations.'];
  const problems = report.problems.length ? ['', 'Problems:', ...report.problems.map((p) => `  - ${p}`)] : [];
  return [head, ...table, ...problems].join('\n');
}
