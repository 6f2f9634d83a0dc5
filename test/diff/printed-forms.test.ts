import { runDiffCases, type DiffCase } from './harness.js';

// Forms PostgreSQL prints back differently than it was written, or keeps apart where it looks alike.
const cases: DiffCase[] = [
  {
    name: 'a CHECK that is both NO INHERIT and NOT VALID',
    from: 'create table t (n int)',
    to: 'create table t (n int); alter table t add constraint t_n check (n > 0) no inherit not valid',
  },
  {
    name: "an inherited column's default set on the child alone",
    from: 'create table p (n int); create table c (m int) inherits (p)',
    to: 'create table p (n int); create table c (m int) inherits (p); alter table c alter column n set default 5',
  },
  {
    name: 'IN over varchar in a CHECK',
    from: 'create table t (s varchar)',
    to: "create table t (s varchar, constraint t_s check (s in ('a', 'b')))",
    hazards: ['blocking-lock'],
  },
  {
    name: 'IN over varchar in a partial index',
    from: 'create table t (s varchar)',
    to: "create table t (s varchar); create index t_s on t (s) where s in ('a', 'b')",
    hazards: ['blocking-lock'],
  },
];

runDiffCases('printed forms', cases);
