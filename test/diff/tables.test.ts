import { runDiffCases } from './harness.js';

runDiffCases('tables', [
  { name: 'create a table', from: '', to: 'create table grid (uuid varchar primary key, name varchar not null)' },
  {
    name: 'drop a table',
    from: 'create table grid (uuid varchar primary key, name varchar not null)',
    to: '',
    hazards: ['data-loss'],
  },
  {
    name: 'create a table with every column option',
    from: '',
    to: `create table t (
      id integer generated always as identity (start with 10 increment by 5),
      code varchar(20) collate "C" not null default 'x',
      created timestamp not null default now(),
      tags text[] default '{}',
      total numeric(10, 2),
      doubled integer generated always as (id * 2) stored,
      primary key (id)
    )`,
  },
  {
    name: 'create a table in another schema',
    from: 'create schema ops',
    to: 'create schema ops; create table ops.job (id int primary key)',
  },
  {
    name: 'create a schema and a table in it',
    from: '',
    to: 'create schema ops; create table ops.job (id int primary key)',
  },
  {
    name: 'drop a schema and its table',
    from: 'create schema ops; create table ops.job (id int)',
    to: '',
    hazards: ['data-loss'],
  },
  {
    name: 'create two tables that reference each other',
    from: '',
    to: `create table a (id int primary key, b_id int);
         create table b (id int primary key, a_id int references a);
         alter table a add foreign key (b_id) references b`,
  },
  {
    name: 'drop two tables that reference each other',
    from: `create table a (id int primary key, b_id int);
           create table b (id int primary key, a_id int references a);
           alter table a add foreign key (b_id) references b`,
    to: '',
    hazards: ['data-loss'],
  },
  {
    name: 'drop a table that others reference, with the reference',
    from: 'create table acquisition (uuid varchar primary key); create table grid (uuid varchar primary key, acquisition_uuid varchar references acquisition)',
    to: 'create table grid (uuid varchar primary key, acquisition_uuid varchar)',
    hazards: ['data-loss'],
  },
  { name: 'create a table without columns', from: '', to: 'create table empty ()' },
  { name: 'create a serial table', from: '', to: 'create table job (id serial primary key, big bigserial)' },
  {
    name: 'drop a serial table (its sequences too)',
    from: 'create table job (id serial primary key, big bigserial)',
    to: '',
    hazards: ['data-loss'],
  },
  {
    name: 'replace one table with another (no rename guessed)',
    from: 'create table old_name (id int primary key)',
    to: 'create table new_name (id int primary key)',
    hazards: ['data-loss'],
  },
  {
    name: 'a partitioned table',
    from: '',
    to: 'create table event (id int, at date not null) partition by range (at)',
  },
]);
