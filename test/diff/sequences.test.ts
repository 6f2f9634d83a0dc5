import { runDiffCases } from './harness.js';

runDiffCases('sequences', [
  { name: 'create a sequence', from: '', to: 'create sequence agentsession_id_seq' },
  { name: 'drop a sequence', from: 'create sequence s', to: '' },
  {
    name: 'create an integer sequence with options',
    from: '',
    to: 'create sequence s as integer start with 100 increment by 10 minvalue 50 maxvalue 100000 cache 20 cycle',
  },
  { name: 'change increment and cache', from: 'create sequence s', to: 'create sequence s increment by 5 cache 10' },
  { name: 'bigint to integer', from: 'create sequence s', to: 'create sequence s as integer' },
  { name: 'make it cycle', from: 'create sequence s', to: 'create sequence s cycle' },
  {
    name: 'a bigint sequence feeding an integer column (SmartEM agent ids)',
    from: '',
    to: "create sequence agentsession_id_seq; create table agentsession (id integer primary key default nextval('agentsession_id_seq'::regclass))",
  },
  {
    name: 'own a sequence by a column',
    from: "create sequence s; create table t (id integer default nextval('s'))",
    to: "create sequence s; create table t (id integer default nextval('s')); alter sequence s owned by t.id",
  },
  {
    name: 'disown a sequence',
    from: "create sequence s; create table t (id integer default nextval('s')); alter sequence s owned by t.id",
    to: "create sequence s; create table t (id integer default nextval('s'))",
  },
  {
    name: 'move ownership to another column',
    from: 'create sequence s; create table t (a integer, b integer); alter sequence s owned by t.a',
    to: 'create sequence s; create table t (a integer, b integer); alter sequence s owned by t.b',
  },
  {
    name: 'a sequence outlives the table that owned it',
    from: 'create table t (id serial)',
    to: 'create sequence t_id_seq as integer',
    hazards: ['data-loss'],
  },
  {
    name: 'a sequence in another schema',
    from: 'create schema ops',
    to: 'create schema ops; create sequence ops.job_seq',
  },
]);
