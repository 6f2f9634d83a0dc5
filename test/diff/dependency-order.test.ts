import { runDiffCases, type DiffCase } from './harness.js';

// Dependency order: a change PostgreSQL refuses while something depends on what changes.
const keyed = (type: string) =>
  `create table acquisition (id ${type} primary key); create table grid (id int primary key, acquisition_id ${type} references acquisition)`;

const cases: DiffCase[] = [
  {
    name: 'a key a foreign key references changes type, with the referencing column',
    from: keyed('integer'),
    to: keyed('bigint'),
    hazards: ['table-rewrite'],
  },
  {
    name: 'a key a foreign key references changes to a type the old one cannot be compared with',
    from: keyed('varchar'),
    to: keyed('uuid'),
    hazards: ['table-rewrite', 'data-loss', 'blocking-lock'],
  },
];

runDiffCases('dependency order', cases);
