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
  {
    name: 'a function whose input parameter is renamed is dropped and made again (CREATE OR REPLACE cannot rename one)',
    from: "create function twice(a int) returns int language sql immutable as 'select a * 2'",
    to: "create function twice(b int) returns int language sql immutable as 'select b * 2'",
  },
  {
    name: '... and what calls it is made again around it',
    from: "create function twice(a int) returns int language sql immutable as 'select a * 2'; create table t (n int, m int generated always as (twice(n)) stored)",
    to: "create function twice(b int) returns int language sql immutable as 'select b * 2'; create table t (n int, m int generated always as (twice(n)) stored)",
    hazards: ['table-rewrite'],
  },
  {
    name: 'a domain whose check calls a function that reads a table, used by another table',
    from: "create table allowed (v int primary key); create function is_allowed(x int) returns boolean language sql stable as 'select exists (select 1 from public.allowed where v = x)'",
    to: "create table allowed (v int primary key); create function is_allowed(x int) returns boolean language sql stable as 'select exists (select 1 from public.allowed where v = x)'; create domain allowed_int as int check (is_allowed(value)); create table uses (a allowed_int)",
  },
];

runDiffCases('dependency order', cases);
