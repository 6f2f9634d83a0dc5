import type { RunResult } from '../migrations/runner.js';
import type { StatusReport } from '../migrations/status.js';
import type { CheckReport } from '../check/check.js';
import type { FileProblem, VerifyReport } from '../check/verify.js';
import type { LintReport } from '../lint/lint-migrations.js';
import { formatBytes } from '../text/format-bytes.js';

export function formatRun(result: RunResult, verb: 'upgrade' | 'downgrade'): string {
  const waiting = result.contractWaiting
    ? [
        `${result.contractWaiting.id} (the contract of ${result.contractWaiting.expand}) waits: apply it with \`smartem-db upgrade --contract\` once no instance of the previous version of the application runs.`,
      ]
    : [];
  if (result.ran.length === 0) {
    return [`Nothing to ${verb}: ${result.database} is at ${result.head ?? 'base'}.`, ...waiting].join('\n');
  }
  const total = result.ran.reduce((sum, r) => sum + r.durationMs, 0);
  const lines = result.ran.map(
    (r) => `  ${r.direction === 'up' ? 'applied    ' : 'rolled back'} ${r.id}  (${r.durationMs} ms)`,
  );
  return [
    ...(result.backup ? [`Backed up first to ${result.backup.file}; to restore it: ${result.backup.restore}`] : []),
    `${verb === 'upgrade' ? 'Upgraded' : 'Downgraded'} ${result.database}:`,
    ...lines,
    `Now at ${result.head ?? 'base'} (${total} ms in all).`,
    ...waiting,
  ].join('\n');
}

export function formatStatus(report: StatusReport): string {
  const cells = report.migrations.map((m) => {
    const when = m.appliedAt ? m.appliedAt.toISOString().replace('T', ' ').slice(0, 19) : '';
    const took = m.executionMs != null ? `${m.executionMs} ms` : m.stamped ? 'stamped' : '';
    const flags = [
      m.checksumMatches === false ? 'EDITED SINCE APPLIED' : '',
      m.state === 'failed' || m.state === 'running' || m.state === 'interrupted'
        ? `${m.state === 'running' ? 'at' : 'stopped at'} statement ${(m.statementsDone ?? 0) + 1} of ${m.statementsTotal}`
        : '',
      m.contracts && m.state === 'pending' ? `contract of ${m.contracts.slice(0, 19)}: upgrade --contract` : '',
    ].filter(Boolean);
    return [m.state, m.id, when, took, flags.join('; ')];
  });
  const head = `Database: ${report.database}\nJournal:  ${report.journal}\nHead:     ${report.head ?? 'base'}${
    report.head === report.latest ? ' (latest)' : ''
  }\nPending:  ${report.pending}${report.runningNow ? `\nRunning:  ${report.runningNow}` : ''}`;
  const table = cells.length
    ? ['', ...alignColumns([['state', 'migration', 'applied at (UTC)', 'took', ''], ...cells])]
    : ['', 'No migrations.'];
  const problems = report.problems.length ? ['', 'Problems:', ...report.problems.map((p) => `  - ${p}`)] : [];
  const waiting = report.waitingForContract.map(
    (w) =>
      `Expanded: ${w.expand} (old and new columns kept equal by a trigger); its contract ${w.contract} runs with \`smartem-db upgrade --contract\` once the previous version of the application is gone.`,
  );
  return [head, ...(waiting.length ? ['', ...waiting] : []), ...table, ...problems].join('\n');
}

/** Rows of cells as lines whose columns line up, however long the ids. */
export function alignColumns(rows: readonly string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}

export function formatCheck(report: CheckReport): string {
  const lines: string[] = [];
  for (const p of report.folder) lines.push(`x ${p.file}: ${p.message}`);
  if (report.model.ok)
    lines.push(
      `ok  The migrations produce the Drizzle model.${report.model.cached ? ' (Both from .smartem-db/store: --no-cache works them out anew.)' : ''}`,
    );
  else if (report.model.differences.length) {
    lines.push(
      'x   The migrations do not produce the Drizzle model:',
      ...report.model.differences.map((d) => `      - ${d}`),
    );
  }
  if (report.model.hint) lines.push(`    ${report.model.hint}`);
  const db = report.database;
  if (!db) lines.push(`--  No database checked: ${report.databaseNotChecked ?? 'none was given'}.`);
  else if (db.ok)
    lines.push(
      `ok  ${db.label} is at ${db.status.head ?? 'base'}, its migrations are intact, and its schema has not drifted.`,
    );
  else {
    lines.push(`x   ${db.label}:`);
    for (const p of db.status.problems) lines.push(`      - ${p}`);
    if (db.drift.length)
      lines.push(
        '      Its schema differs from what its applied migrations produce:',
        ...db.drift.map((d) => `        - ${d}`),
      );
  }
  for (const w of db?.status.waitingForContract ?? [])
    lines.push(
      `--  Expanded: ${w.expand} is applied and its contract ${w.contract} waits for \`smartem-db upgrade --contract\`; the old and the new column are both there, kept equal by a trigger.`,
    );
  return lines.join('\n');
}

export function formatVerify(report: VerifyReport): string {
  const lines = report.problems.map((p) => `x ${p.file}: ${p.message}`);
  if (!report.lint.ok) lines.push(formatLint(report.lint));
  const s = report.stairway;
  if (s?.ok)
    lines.push(
      `ok  ${s.checked} migration(s): one linear history, a down for each, and each goes up, down and up again cleanly.`,
    );
  else if (s) {
    lines.push(`x   ${s.failedAt} fails its round trip at: ${s.step}`, ...s.details.map((d) => `      - ${d}`));
    lines.push(`    (${s.checked} migration(s) before it passed.)`);
  }
  return lines.join('\n');
}

/** GitHub Actions shows `::error file=...::` lines as annotations on the file in the pull request. */
export function githubAnnotations(problems: (FileProblem & { line?: number })[]): string {
  const escape = (text: string) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  return problems
    .map((p) => `::error file=${p.file},line=${p.line ?? 1},title=smartem-db::${escape(p.message)}\n`)
    .join('');
}

export function formatLint(report: LintReport): string {
  const lines: string[] = report.errors.map((e) => `x ${e.file}:${e.line}: ${e.message}`);
  for (const f of report.findings) {
    const mark = f.acknowledged === null ? 'x' : 'ok';
    const size =
      f.tableRows !== undefined
        ? ` [${f.table}: about ${f.tableRows.toLocaleString('en')} rows, ${formatBytes(f.tableBytes ?? 0)}]`
        : '';
    lines.push(`${mark.padEnd(2)} ${f.file}:${f.line} ${f.kind}: ${f.message}${size}`);
    if (f.acknowledged === null) {
      lines.push(
        `     safer: ${f.alternative}`,
        `     or acknowledge above the statement: -- smartem-db:allow ${f.kind}: <why this is safe here>`,
      );
    } else lines.push(`     acknowledged: ${f.acknowledged}`);
  }
  const open = report.findings.filter((f) => f.acknowledged === null).length;
  lines.push(
    report.ok
      ? `ok  No unacknowledged hazards (${report.findings.length} acknowledged).`
      : `x   ${open} unacknowledged hazard(s), ${report.errors.length} error(s).`,
  );
  return lines.join('\n');
}

export function lintProblems(report: LintReport): FileProblem[] {
  return [
    ...report.errors.map((e) => ({ file: e.file, line: e.line, message: e.message })),
    ...report.findings
      .filter((f) => f.acknowledged === null)
      .map((f) => ({ file: f.file, line: f.line, message: `${f.kind}: ${f.message} Safer: ${f.alternative}` })),
  ];
}

/**
 * The doctor's report: the tables by size (with a bar each on a terminal: the SmartEM hierarchy
 * grows by orders of magnitude per level, and a bar shows it at a glance), then one finding per line.
 */
