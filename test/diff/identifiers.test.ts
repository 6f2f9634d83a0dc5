import { runDiffCases } from './harness.js';

runDiffCases('identifiers', [
  {
    name: 'mixed-case table and columns',
    from: '',
    to: 'create table "GridSquare" ("Uuid" varchar primary key, "imagePath" varchar)',
  },
  {
    name: 'reserved words as names',
    from: '',
    to: 'create table "user" ("group" varchar, "order" int, "select" text, "timestamp" timestamp not null)',
  },
  {
    name: 'the SmartEM "timestamp" and "group" columns',
    from: 'create table qualitypredictionmodelparameter (id serial primary key)',
    to: `create table qualitypredictionmodelparameter (id serial primary key, "timestamp" timestamp not null, "group" varchar not null default '')`,
    hazards: ['breaking-change'],
  },
  { name: 'names with double quotes', from: '', to: 'create table "we""ird" ("col""umn" int primary key)' },
  {
    name: 'names with spaces, dots and semicolons',
    from: '',
    to: 'create table "my table.v2;" ("a b" int, "c.d" int)',
  },
  { name: 'unicode names', from: '', to: 'create table "défocus_µm" ("größe" int, "名前" text)' },
  {
    name: 'a schema that needs quoting',
    from: '',
    to: 'create schema "Ops-Schema"; create table "Ops-Schema"."Job" (id int primary key)',
  },
  {
    name: 'an enum and a view with quoted names',
    from: '',
    to: `create type "Status" as enum ('NONE', 'done');
         create table "Job" ("Id" int primary key, "State" "Status" default 'NONE');
         create view "Open Jobs" as select "Id" from "Job" where "State" = 'NONE'`,
  },
  {
    name: 'an index and constraints with quoted names',
    from: 'create table "T" ("A" int, "B" int)',
    to: `create table "T" ("A" int constraint "A must be positive" check ("A" > 0), "B" int, constraint "T pkey" primary key ("A"));
         create index "By B" on "T" ("B")`,
    hazards: ['blocking-lock'],
  },
  {
    name: 'drop a column with a reserved name',
    from: 'create table t (id int, "default" text)',
    to: 'create table t (id int)',
    hazards: ['data-loss'],
  },
  {
    name: 'a maximum-length name (63 bytes)',
    from: '',
    to: `create table ${'a'.repeat(63)} (${'b'.repeat(63)} int)`,
  },
  {
    name: 'alter a column of a mixed-case table',
    from: 'create table "Grid" ("Name" varchar(10))',
    to: 'create table "Grid" ("Name" varchar(40) not null default \'x\')',
    hazards: ['blocking-lock'],
  },
]);
