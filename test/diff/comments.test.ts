import { runDiffCases } from './harness.js';

const t = "create table grid (uuid varchar primary key, name varchar constraint grid_name_check check (name <> ''))";

runDiffCases('comments', [
  { name: 'comment on a table', from: t, to: `${t}; comment on table grid is 'A grid of the acquisition'` },
  {
    name: 'change a comment',
    from: `${t}; comment on table grid is 'old'`,
    to: `${t}; comment on table grid is 'new'`,
  },
  { name: 'remove a comment', from: `${t}; comment on table grid is 'old'`, to: t },
  { name: 'comment on a column', from: t, to: `${t}; comment on column grid.name is 'Shown in the UI'` },
  {
    name: 'comment on a constraint',
    from: t,
    to: `${t}; comment on constraint grid_name_check on grid is 'no empty names'`,
  },
  {
    name: 'comment on an index',
    from: `${t}; create index ix on grid (name)`,
    to: `${t}; create index ix on grid (name); comment on index ix is 'for search'`,
  },
  {
    name: 'comment on an enum',
    from: "create type s as enum ('A')",
    to: "create type s as enum ('A'); comment on type s is 'status'",
  },
  { name: 'comment on a sequence', from: 'create sequence q', to: "create sequence q; comment on sequence q is 'ids'" },
  {
    name: 'comment on a view',
    from: `${t}; create view v as select uuid from grid`,
    to: `${t}; create view v as select uuid from grid; comment on view v is 'ids only'`,
  },
  {
    name: 'a comment with quotes and newlines',
    from: t,
    to: `${t}; comment on table grid is 'it''s\nmulti-line; "quoted"'`,
  },
  {
    name: 'a new table with comments everywhere',
    from: '',
    to: `${t}; comment on table grid is 'g'; comment on column grid.uuid is 'id'; comment on constraint grid_name_check on grid is 'c'`,
  },
  {
    name: 'drop a commented table (the down restores the comments)',
    from: `${t}; comment on table grid is 'g'; comment on column grid.uuid is 'id'; create index ix on grid (name); comment on index ix is 'i'`,
    to: '',
    hazards: ['data-loss'],
  },
  {
    name: 'drop commented views, one materialized with a commented index (the down restores them)',
    from: `${t}; create view v as select uuid from grid; comment on view v is 'v'; comment on column v.uuid is 'id';
      create materialized view m as select name from grid; create index mi on m (name); comment on index mi is 'i';
      comment on materialized view m is 'm'`,
    to: t,
  },
  {
    name: 'comment on a view column',
    from: `${t}; create view v as select uuid from grid`,
    to: `${t}; create view v as select uuid from grid; comment on column v.uuid is 'the grid'`,
  },
  {
    name: 'a view rebuilt around a column type change keeps its comments',
    from: `${t}; create view v as select uuid, name from grid; comment on view v is 'v'; comment on column v.name is 'n'`,
    to: `create table grid (uuid varchar primary key, name text constraint grid_name_check check (name <> ''));
      create view v as select uuid, name from grid; comment on view v is 'v'; comment on column v.name is 'n'`,
    hazards: ['blocking-lock'],
  },
  {
    name: 'a view whose definition changes, with a new comment',
    from: `${t}; create view v as select uuid from grid; comment on view v is 'old'`,
    to: `${t}; create view v as select uuid, name from grid; comment on view v is 'new'; comment on column v.name is 'n'`,
  },
  {
    name: 'an index made again (its definition changes) keeps its comment',
    from: `${t}; create index ix on grid (name); comment on index ix is 'for search'`,
    to: `${t}; create index ix on grid (name, uuid); comment on index ix is 'for search'`,
    hazards: ['blocking-lock'],
  },
  {
    name: 'a check made again keeps its comment',
    from: `${t}; comment on constraint grid_name_check on grid is 'no empty names'`,
    to: `create table grid (uuid varchar primary key, name varchar constraint grid_name_check check (name <> '' and name <> '-'));
         comment on constraint grid_name_check on grid is 'no empty names'`,
    hazards: ['blocking-lock'],
  },
  {
    name: 'a generated column made again keeps its comment',
    from: `create table sq (n int, twice int generated always as (n * 2) stored); comment on column sq.twice is 'derived'`,
    to: `create table sq (n int, twice int generated always as (n + n + 0) stored); comment on column sq.twice is 'derived'`,
    hazards: ['table-rewrite'],
  },
  {
    name: 'a foreign key that goes with its comment: the comment is cleared before the key is dropped',
    from: `${t}; create table sq (uuid varchar, grid_uuid varchar constraint sq_grid references grid);
           comment on constraint sq_grid on sq is 'its grid'`,
    to: `${t}; create table sq (uuid varchar, grid_uuid varchar)`,
  },
  {
    name: 'a function loses its comment (CREATE OR REPLACE would keep it)',
    from: `create function one() returns int language sql as $$ select 1 $$; comment on function one() is 'one'`,
    to: `create function one() returns int language sql as $$ select 1 $$`,
  },
]);
