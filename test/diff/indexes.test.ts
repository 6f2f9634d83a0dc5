import { runDiffCases, type DiffCase } from './harness.js';

const t =
  'create table micrograph (uuid varchar primary key, foilhole_uuid varchar, updated_at timestamp, status text, n int)';

const cases: DiffCase[] = [
  {
    name: 'add an index',
    from: t,
    to: `${t}; create index ix_micrograph_updated_at on micrograph (updated_at)`,
    hazards: ['blocking-lock'],
  },
  { name: 'drop an index', from: `${t}; create index ix_micrograph_updated_at on micrograph (updated_at)`, to: t },
  {
    name: 'a unique index',
    from: t,
    to: `${t}; create unique index ux on micrograph (foilhole_uuid)`,
    hazards: ['blocking-lock'],
  },
  {
    name: 'a multi-column index',
    from: t,
    to: `${t}; create index ix on micrograph (foilhole_uuid, updated_at)`,
    hazards: ['blocking-lock'],
  },
  {
    name: 'a partial index',
    from: t,
    to: `${t}; create index ix on micrograph (updated_at) where status = 'NONE'`,
    hazards: ['blocking-lock'],
  },
  {
    name: 'an expression index',
    from: t,
    to: `${t}; create index ix on micrograph (lower(status))`,
    hazards: ['blocking-lock'],
  },
  {
    name: 'a hash index',
    from: t,
    to: `${t}; create index ix on micrograph using hash (uuid)`,
    hazards: ['blocking-lock'],
  },
  {
    name: 'a BRIN index',
    from: t,
    to: `${t}; create index ix on micrograph using brin (updated_at)`,
    hazards: ['blocking-lock'],
  },
  {
    name: 'a GIN index',
    from: 'create table t (tags text[])',
    to: 'create table t (tags text[]); create index ix on t using gin (tags)',
    hazards: ['blocking-lock'],
  },
  {
    name: 'INCLUDE columns',
    from: t,
    to: `${t}; create index ix on micrograph (foilhole_uuid) include (status)`,
    hazards: ['blocking-lock'],
  },
  {
    name: 'DESC NULLS FIRST',
    from: t,
    to: `${t}; create index ix on micrograph (updated_at desc nulls first)`,
    hazards: ['blocking-lock'],
  },
  {
    name: 'an operator class',
    from: t,
    to: `${t}; create index ix on micrograph (uuid varchar_pattern_ops)`,
    hazards: ['blocking-lock'],
  },
  {
    name: 'a collation in an index',
    from: t,
    to: `${t}; create index ix on micrograph (status collate "C")`,
    hazards: ['blocking-lock'],
  },
  {
    name: 'change an index (drop and create)',
    from: `${t}; create index ix on micrograph (updated_at)`,
    to: `${t}; create index ix on micrograph (updated_at, status)`,
    hazards: ['blocking-lock'],
  },
  {
    name: 'an index with storage parameters',
    from: t,
    to: `${t}; create index ix on micrograph (n) with (fillfactor = 70)`,
    hazards: ['blocking-lock'],
  },
  {
    name: 'a unique index NULLS NOT DISTINCT',
    from: t,
    to: `${t}; create unique index ix on micrograph (foilhole_uuid) nulls not distinct`,
    hazards: ['blocking-lock'],
  },
  { name: 'indexes of a new table are not hazards', from: '', to: `${t}; create index ix on micrograph (updated_at)` },
  {
    name: 'indexes of a dropped table go with it',
    from: `${t}; create index ix on micrograph (updated_at)`,
    to: '',
    hazards: ['data-loss'],
  },
];

runDiffCases('indexes', cases);
runDiffCases('indexes', cases, { online: true });
