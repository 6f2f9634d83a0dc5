import { formatBytes } from '../text/format-bytes.js';
import type { TableSize } from '../catalog/table-sizes.js';
import { finding, type Finding } from './finding.js';

/** The one line about sizes: how many tables, rows and bytes in all (the table itself is in the report). */
export function sizeFindings(sizes: readonly TableSize[], exact: boolean): Finding[] {
  const total = sizes.reduce((sum, t) => sum + t.totalBytes, 0);
  const rows = sizes.reduce((sum, t) => sum + t.rows, 0);
  return [
    finding(
      'info',
      'sizes',
      `${sizes.length} tables, about ${rows.toLocaleString('en')} rows, ${formatBytes(total)} in all (tables and their indexes)` +
        (exact ? '.' : '; estimated from the catalog, since a table is locked by another session (see sessions).'),
    ),
  ];
}
