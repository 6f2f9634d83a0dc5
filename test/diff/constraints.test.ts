import { runDiffCases, type DiffCase } from './harness.js';

const cases: DiffCase[] = [
  {
    name: 'a CHECK of IN on a varchar column, as drizzle writes it (compared in the form it reads back)',
    from: 'create table t (status varchar(20))',
    to: "create table t (status varchar(20) constraint t_status check (status in ('NONE', 'ACQUIRED', 'PROCESSED')))",
    hazards: ['blocking-lock'],
  },
  {
    name: 'a partial index on IN over varchar',
    from: 'create table t (status varchar(20))',
    to: "create table t (status varchar(20)); create index t_open on t (status) where status in ('a', 'b')",
    hazards: ['blocking-lock'],
  },
  {
    name: 'add a primary key',
    from: 'create table t (id int not null)',
    to: 'create table t (id int primary key)',
    hazards: ['blocking-lock'],
  },
  { name: 'drop a primary key', from: 'create table t (id int primary key)', to: 'create table t (id int not null)' },
  {
    name: 'composite primary key with a chosen name',
    from: '',
    to: 'create table m (group_uuid varchar not null, foilhole_uuid varchar not null, constraint m_pkey primary key (group_uuid, foilhole_uuid))',
  },
  {
    name: 'change the columns of a primary key',
    from: 'create table t (a int not null, b int not null, primary key (a))',
    to: 'create table t (a int not null, b int not null, primary key (a, b))',
    hazards: ['blocking-lock'],
  },
  {
    name: 'rename a constraint (drop and add)',
    from: 'create table t (a int, constraint t_a_key unique (a))',
    to: 'create table t (a int, constraint t_a_unique unique (a))',
    hazards: ['blocking-lock'],
  },
  {
    name: 'add a unique constraint',
    from: 'create table t (a int)',
    to: 'create table t (a int unique)',
    hazards: ['blocking-lock'],
  },
  { name: 'drop a unique constraint', from: 'create table t (a int unique)', to: 'create table t (a int)' },
  {
    name: 'unique NULLS NOT DISTINCT',
    from: 'create table t (a int, b int, unique (a, b))',
    to: 'create table t (a int, b int, unique nulls not distinct (a, b))',
    hazards: ['blocking-lock'],
  },
  {
    name: 'add a check',
    from: 'create table t (n int)',
    to: 'create table t (n int check (n > 0))',
    hazards: ['blocking-lock'],
  },
  { name: 'drop a check', from: 'create table t (n int check (n > 0))', to: 'create table t (n int)' },
  {
    name: 'change a check',
    from: 'create table t (n int constraint t_n_check check (n > 0))',
    to: 'create table t (n int constraint t_n_check check (n >= 0))',
    hazards: ['blocking-lock'],
  },
  {
    name: 'a check on two columns (prediction targets a foil hole or a grid square)',
    from: 'create table p (foilhole_uuid varchar, gridsquare_uuid varchar)',
    to: 'create table p (foilhole_uuid varchar, gridsquare_uuid varchar, constraint p_target check (num_nonnulls(foilhole_uuid, gridsquare_uuid) = 1))',
    hazards: ['blocking-lock'],
  },
  {
    name: 'a NOT VALID check stays not valid (and validates nothing, so locks nothing long)',
    from: 'create table t (n int)',
    to: 'create table t (n int); alter table t add constraint t_n check (n > 0) not valid',
  },
  {
    name: 'an exclusion constraint',
    from: 'create table booking (room int, during tsrange)',
    to: 'create table booking (room int, during tsrange, exclude using gist (during with &&))',
    hazards: ['blocking-lock'],
  },
  {
    name: 'a deferrable unique constraint',
    from: 'create table t (a int)',
    to: 'create table t (a int unique deferrable initially deferred)',
    hazards: ['blocking-lock'],
  },
];

runDiffCases('constraints', cases);
runDiffCases('constraints', cases, { online: true });
