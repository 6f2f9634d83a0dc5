import { runDiffCases } from './harness.js';

const status = (values: string) => `create type gridsquarestatus as enum (${values})`;
const used = (values: string) =>
  `${status(values)}; create table gridsquare (uuid varchar primary key, status gridsquarestatus default 'NONE', history gridsquarestatus[])`;

const touches = `create function next_status(s gridsquarestatus) returns gridsquarestatus language plpgsql as $$ begin return s; end $$`;

// A check and a partial index whose expressions cast a constant to the enum.
const casting = `alter table gridsquare add constraint gridsquare_status_check check (status <> 'DONE' or uuid <> '');
  create index gridsquare_open on gridsquare (uuid) where status = 'NONE'`;

runDiffCases('enums', [
  { name: 'create an enum', from: '', to: status("'NONE', 'STARTED'") },
  { name: 'drop an enum', from: status("'NONE', 'STARTED'"), to: '' },
  {
    name: 'append a value',
    from: used("'NONE', 'FOIL_HOLES_DECISION_STARTED'"),
    to: used("'NONE', 'FOIL_HOLES_DECISION_STARTED', 'REGISTERED'"),
    upContains: ["ADD VALUE 'REGISTERED'"],
  },
  {
    name: 'insert a value in the middle',
    from: used("'NONE', 'COMPLETED'"),
    to: used("'NONE', 'STARTED', 'COMPLETED'"),
    upContains: ["ADD VALUE 'STARTED' BEFORE 'COMPLETED'"],
  },
  {
    name: 'insert two values at the start',
    from: used("'NONE', 'C'"),
    to: used("'A', 'B', 'NONE', 'C'"),
    upContains: ["ADD VALUE 'A' BEFORE 'NONE'", "ADD VALUE 'B' BEFORE 'NONE'"],
  },
  {
    name: 'remove a value (type swap)',
    from: used("'NONE', 'REGISTERED', 'DONE'"),
    to: used("'NONE', 'DONE'"),
    hazards: ['data-loss', 'table-rewrite'],
    upContains: ['RENAME TO "gridsquarestatus__smartem_old"'],
  },
  {
    name: 'reorder values (type swap)',
    from: used("'NONE', 'A', 'B'"),
    to: used("'NONE', 'B', 'A'"),
    hazards: ['table-rewrite'],
  },
  {
    name: 'rename a value looks like remove + add',
    from: used("'NONE', 'A'"),
    to: used("'NONE', 'B'"),
    hazards: ['data-loss', 'table-rewrite'],
  },
  {
    name: 'remove the value a column default used, with the new default',
    from: "create type s as enum ('NONE', 'REGISTERED'); create table g (status s default 'REGISTERED')",
    to: "create type s as enum ('NONE'); create table g (status s default 'NONE')",
    hazards: ['data-loss', 'table-rewrite'],
  },
  {
    name: 'add a value and make it the default (the script runs without a transaction)',
    from: "create type s as enum ('NONE'); create table g (status s default 'NONE')",
    to: "create type s as enum ('NONE', 'REGISTERED'); create table g (status s default 'REGISTERED')",
    upContains: ["ADD VALUE 'REGISTERED'", "SET DEFAULT 'REGISTERED'::s"],
  },
  {
    name: 'swap an enum while one of its columns moves to jsonb and a view reads another (found by the property test)',
    from: `create type mood as enum ('sad', 'happy');
           create table t (c mood not null default 'happy', d mood);
           create view v as select c, d from t`,
    to: `create type mood as enum ('happy', 'ecstatic');
         create table t (c jsonb not null default '{}', d mood);
         create view v as select c, d from t`,
    hazards: ['data-loss', 'table-rewrite'],
  },
  {
    name: 'add a value while every column leaves the enum (the down swap converts them back; found by the property test)',
    from: "create type mood as enum ('happy'); create table g (a mood not null, b mood); create view v as select a from g",
    to: "create type mood as enum ('ok', 'happy'); create table g (a varchar(20) not null, b date); create view v as select a from g",
    hazards: ['data-loss', 'table-rewrite'],
  },
  {
    name: 'an enum in another schema',
    from: 'create schema ops',
    to: "create schema ops; create type ops.level as enum ('LOW', 'HIGH')",
  },
  {
    name: 'an enum with values that need quoting',
    from: '',
    to: "create type mood as enum ('it''s fine', 'semi;colon', 'with \"quotes\"', '')",
  },
  {
    name: 'a column changes from varchar to an enum',
    from: "create table q (level varchar default 'GRIDSQUARE')",
    to: "create type modellevel as enum ('GRIDSQUARE', 'FOILHOLE'); create table q (level modellevel default 'GRIDSQUARE')",
    hazards: ['data-loss', 'table-rewrite'],
  },
  {
    name: 'a function naming the enum is re-created around a swap (a value removed)',
    from: `${used("'NONE', 'REGISTERED', 'DONE'")}; ${touches}`,
    to: `${used("'NONE', 'DONE'")}; ${touches}`,
    hazards: ['data-loss', 'table-rewrite'],
  },
  {
    name: 'a function naming the enum, a value added (the down swaps it back)',
    from: `${used("'NONE', 'DONE'")}; ${touches}`,
    to: `${used("'NONE', 'REGISTERED', 'DONE'")}; ${touches}`,
  },
  {
    name: 'a swap with a check and a partial index that compare the column with a value: dropped around the conversion',
    from: `${used("'NONE', 'REGISTERED', 'DONE'")}; ${casting}`,
    to: `${used("'NONE', 'DONE'")}; ${casting}`,
    // Made again while the swap rewrites the table anyway, under its lock.
    hazards: ['data-loss', 'table-rewrite', 'blocking-lock'],
    upContains: ['DROP CONSTRAINT "gridsquare_status_check"', 'DROP INDEX "public"."gridsquare_open"'],
  },
  {
    name: 'a value added under such a check and index: the up leaves them be, the down swaps around them',
    from: `${used("'NONE', 'DONE'")}; ${casting}`,
    to: `${used("'NONE', 'REGISTERED', 'DONE'")}; ${casting}`,
    upContains: ["ADD VALUE 'REGISTERED'"],
  },
  {
    name: 'an enum column is dropped and the enum with it',
    from: used("'NONE'"),
    to: 'create table gridsquare (uuid varchar primary key, history text[])',
    hazards: ['data-loss', 'table-rewrite'],
  },
]);
