import { runDiffCases, type DiffCase } from './harness.js';

// Partitions with keys of their own.
const parted =
  'create table reading (k int not null, n int) partition by range (k); create table reading_1 partition of reading for values from (0) to (10)';

const cases: DiffCase[] = [
  {
    name: 'a primary key on one partition alone',
    from: parted,
    to: `${parted}; alter table reading_1 add constraint reading_1_pkey primary key (k)`,
    hazards: ['blocking-lock'],
  },
  {
    name: 'a unique key on one partition alone, on a column that may be null',
    from: parted,
    to: `${parted}; alter table reading_1 add constraint reading_1_n_key unique (n)`,
    hazards: ['blocking-lock'],
  },
  {
    name: "a parent's unique key over an index the partition already has",
    from: `${parted}; create unique index reading_1_k on reading_1 (k)`,
    to: `${parted}; create unique index reading_1_k on reading_1 (k); alter table reading add constraint reading_k_key unique (k)`,
    hazards: ['blocking-lock'],
  },
  {
    name: 'a primary key on one partition over a column that was nullable (its drop must give NULL back)',
    from: parted,
    to: `${parted}; alter table reading_1 add constraint reading_1_pkey primary key (n)`,
    hazards: ['blocking-lock'],
  },
  {
    name: 'a partition another table references, made again with other bounds',
    from: `${parted}; alter table reading_1 add constraint reading_1_pkey primary key (k); create table note (k int references reading_1 (k))`,
    to: `create table reading (k int not null, n int) partition by range (k); create table reading_1 partition of reading for values from (0) to (20); alter table reading_1 add constraint reading_1_pkey primary key (k); create table note (k int references reading_1 (k))`,
    hazards: ['blocking-lock', 'data-loss'],
  },
  {
    name: "a parent's index that takes the name a partition's own index had",
    from: `${parted}; create index reading_n on reading_1 (n)`,
    to: `${parted}; create index reading_n on reading (n)`,
    hazards: ['blocking-lock'],
  },
  {
    name: "a parent's index left unattached (ON ONLY, INVALID) that the model has attached",
    from: `${parted}; create index reading_k on only reading (k); create index reading_1_k on reading_1 (k)`,
    to: `${parted}; create index reading_k on only reading (k); create index reading_1_k on reading_1 (k); alter index reading_k attach partition reading_1_k`,
    hazards: ['blocking-lock'],
  },
  {
    name: 'an index made ON ONLY the parent, left invalid by the model',
    from: parted,
    to: `${parted}; create index reading_n on only reading (n)`,
  },
];

runDiffCases('partition-local keys', cases);
runDiffCases('partition-local keys', cases.slice(-2), { online: true });
