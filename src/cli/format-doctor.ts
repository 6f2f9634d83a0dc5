import type { DoctorReport } from '../doctor/doctor.js';
import type { Finding } from '../doctor/finding.js';
import { formatBytes } from '../text/format-bytes.js';
import { alignColumns } from './format.js';
import { paint } from './terminal.js';

const HEADINGS = { error: 'Errors', warn: 'Warnings', info: 'Information' } as const;
const COLOUR = { error: 'red', warn: 'yellow', info: 'dim' } as const;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * doctor's report for a person: the count of each severity first (the line to read), then errors
 * and warnings, the tables by size with linear bars and their legend, and the information last.
 * Each finding lists its objects (at most `objectsShown`; --json has all), its fix and its model edit.
 */
export function formatDoctor(report: DoctorReport, terminal: boolean, top = 20, objectsShown = 10): string {
  const { errors, warnings, info } = report.summary;
  const lines = [
    `Database: ${report.database}`,
    `${paint(plural(errors, 'error'), errors ? 'red' : 'dim', terminal)}, ${paint(plural(warnings, 'warning'), warnings ? 'yellow' : 'dim', terminal)}, ${plural(info, 'note')}.`,
  ];
  const section = (severity: Finding['severity']) => {
    const findings = report.findings.filter((f) => f.severity === severity);
    if (findings.length === 0) return;
    lines.push('', paint(HEADINGS[severity], COLOUR[severity], terminal));
    for (const f of findings) {
      lines.push(`  ${f.check.padEnd(13)} ${f.message}`);
      const objects = f.objects ?? [];
      for (const o of objects.slice(0, objectsShown)) lines.push(`${' '.repeat(18)}- ${o}`);
      if (objects.length > objectsShown)
        lines.push(`${' '.repeat(18)}... and ${objects.length - objectsShown} more (--json lists all)`);
      if (f.fix) lines.push(`${' '.repeat(18)}fix: ${f.fix}`);
      if (f.model) lines.push(`${' '.repeat(18)}model: ${f.model}`);
    }
  };
  section('error');
  section('warn');
  lines.push('', ...sizeTable(report, top));
  section('info');
  return lines.join('\n');
}

/** The largest tables with a linear bar of their total size beside the figures, and what a block is worth. */
function sizeTable(report: DoctorReport, top: number, width = 30): string[] {
  const shown = report.sizes.slice(0, top);
  const largest = shown[0]?.totalBytes ?? 0;
  if (largest === 0) return ['Tables: none with data yet.'];
  const block = largest / width;
  const bar = (bytes: number) => {
    const blocks = Math.round(bytes / block);
    return blocks === 0 ? (bytes > 0 ? '\u258f' : '') : '\u2588'.repeat(blocks);
  };
  const rows = shown.map((t) => [
    `${t.schema}.${t.name}`,
    t.rows.toLocaleString('en'),
    formatBytes(t.heapBytes),
    formatBytes(t.indexBytes),
    formatBytes(t.totalBytes),
    bar(t.totalBytes),
  ]);
  return [
    `Tables, largest first (bar: total size, linear; \u2588 = ${formatBytes(block)}, \u258f = less)`,
    ...alignColumns([['table', 'rows (est.)', 'heap', 'indexes', 'total', ''], ...rows]).map((l) => `  ${l}`),
    ...(report.sizes.length > shown.length ? [`  ... and ${report.sizes.length - shown.length} smaller tables`] : []),
  ];
}
