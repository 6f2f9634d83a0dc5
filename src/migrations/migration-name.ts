/** The parts of a migration folder name: `YYYY_MM_DD_HHMM-NNN_description`. */
interface MigrationName {
  id: string;
  createdAt: string;
  number: number;
  description: string;
}

const PATTERN = /^(\d{4})_(\d{2})_(\d{2})_(\d{2})(\d{2})-(\d{3,})_([A-Za-z0-9_]+)$/;

/**
 * Parses a migration folder name, or returns undefined when it is not one.
 *
 * @example parseMigrationName('2026_11_22_0930-002_add_gridsquare_registered')
 *   // { id: '2026_11_22_0930-002_add_gridsquare_registered', createdAt: '2026-11-22T09:30', number: 2, ... }
 */
export function parseMigrationName(name: string): MigrationName | undefined {
  const m = PATTERN.exec(name);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, num, description] = m;
  return { id: name, createdAt: `${y}-${mo}-${d}T${h}:${mi}`, number: Number(num), description: description! };
}

/** The folder name of a new migration: the SmartEM team's `YYYY_MM_DD_HHMM-NNN_description`. */
export function formatMigrationName(date: Date, number: number, description: string): string {
  const p = (v: number, w = 2) => String(v).padStart(w, '0');
  const slug = description
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 60);
  const stamp = `${date.getUTCFullYear()}_${p(date.getUTCMonth() + 1)}_${p(date.getUTCDate())}_${p(date.getUTCHours())}${p(date.getUTCMinutes())}`;
  return `${stamp}-${p(number, 3)}_${slug || 'migration'}`;
}

export const MIGRATION_NAME_FORMAT =
  'YYYY_MM_DD_HHMM-NNN_description (e.g. 2026_11_22_0930-002_add_gridsquare_registered)';
