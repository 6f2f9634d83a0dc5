import { runDiffCases } from './harness.js';

// Table inheritance, as model-extras.sql may use it: a parent's change reaches its children
// through PostgreSQL itself, and a table joins or leaves a parent in place.
const base = `create table reading (id bigint not null, taken_at timestamptz default now(), value double precision,
  constraint reading_value_finite check (value <> 'NaN'))`;
const child = (name: string, own = 'detector text') => `create table ${name} (${own}) inherits (reading)`;

runDiffCases('table inheritance', [
  {
    name: 'a parent and two children with checks, keys and indexes of their own',
    from: '',
    to: `${base}; ${child('reading_k3', `detector text not null, constraint k3_only check (detector = 'K3'), unique (id)`)};
         ${child('reading_falcon')}; create index on reading_falcon (taken_at)`,
  },
  {
    name: 'a child with its own default and NOT NULL on an inherited column',
    from: base,
    to: `${base}; ${child('reading_k3')}; alter table reading_k3 alter column value set default 0, alter column value set not null`,
  },
  {
    name: 'the parent gains a column: its children have it through the parent',
    from: `${base}; ${child('reading_k3')}`,
    to: `${base}; alter table reading add column grid text; ${child('reading_k3')}`,
    upContains: ['ALTER TABLE "public"."reading" ADD COLUMN "grid" text'],
  },
  {
    name: 'the parent drops a column: its children lose it with it',
    from: `${base}; ${child('reading_k3')}; ${child('reading_falcon')}`,
    to: `${base}; alter table reading drop column value; ${child('reading_k3')}; ${child('reading_falcon')}`,
    hazards: ['data-loss'],
  },
  {
    name: "the parent changes a column's type and default, carried down to its children",
    from: `${base}; ${child('reading_k3')}`,
    to: `${base}; alter table reading alter column id type numeric, alter column taken_at set default '2026-01-01';
         ${child('reading_k3')}`,
    hazards: ['table-rewrite'],
  },
  {
    name: 'a table that exists joins a parent (its columns, NOT NULL and checks made to match first)',
    from: `${base}; create table reading_k3 (id bigint, taken_at timestamptz default now(), value double precision, detector text)`,
    to: `${base}; ${child('reading_k3')}`,
    upContains: ['INHERIT "public"."reading"'],
    hazards: ['blocking-lock'],
  },
  {
    name: 'a table leaves its parent and keeps the columns it had from it',
    from: `${base}; ${child('reading_k3')}`,
    to: `${base}; create table reading_k3 (id bigint not null, taken_at timestamptz default now(), value double precision, detector text)`,
    upContains: ['NO INHERIT "public"."reading"'],
  },
  {
    name: 'a child keeps, as its own, a column its parent drops',
    from: `${base}; ${child('reading_k3')}`,
    to: `create table reading (id bigint not null, taken_at timestamptz default now());
         create table reading_k3 (detector text, value double precision) inherits (reading)`,
    hazards: ['data-loss'],
  },
  {
    name: 'three generations: the grandparent gains a column, a new grandchild joins',
    from: `${base}; ${child('reading_k3')}`,
    to: `${base}; alter table reading add column grid text; ${child('reading_k3')};
         create table reading_k3_fast (burst int) inherits (reading_k3)`,
  },
  {
    name: 'a new child sets its own default on a column its parent gains in the same migration',
    from: base,
    to: `${base}; alter table reading add column grid text; ${child('reading_k3')}; alter table reading_k3 alter column grid set default 'k3'`,
  },
  {
    name: "an enum loses a value: the parent's column is converted, and its child's with it",
    from: `create type detector as enum ('k3', 'falcon', 'old'); create table reading (id bigint, detector detector);
           ${child('reading_k3', 'note text')}`,
    to: `create type detector as enum ('k3', 'falcon'); create table reading (id bigint, detector detector);
         ${child('reading_k3', 'note text')}`,
    hazards: ['data-loss', 'table-rewrite'],
  },
  {
    name: 'a child moves from a parent with an enum column, as the enum gains a value (the down swaps it back)',
    from: `create type detector as enum ('k3'); create table reading (id bigint, detector detector);
           create table tagged (tag text); create table reading_k3 (note text) inherits (reading)`,
    to: `create type detector as enum ('k3', 'falcon'); create table tagged (tag text);
         create table reading_k3 (note text, id bigint) inherits (tagged)`,
    hazards: ['data-loss'],
  },
  {
    name: 'two parents, the child made and dropped',
    from: `${base}; create table tagged (tag text not null default 'none')`,
    to: `${base}; create table tagged (tag text not null default 'none');
         create table reading_tagged (detector text) inherits (reading, tagged)`,
  },
  {
    name: 'a table leaves two parents (the down joins them again in their order)',
    from: `${base}; create table tagged (tag text not null default 'none');
           create table reading_tagged (detector text) inherits (reading, tagged)`,
    to: `${base}; create table tagged (tag text not null default 'none');
         create table reading_tagged (id bigint not null, taken_at timestamptz default now(), value double precision,
           tag text not null default 'none', detector text, constraint reading_value_finite check (value <> 'NaN'))`,
    hazards: ['blocking-lock'],
  },
]);
