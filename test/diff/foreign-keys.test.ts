import { runDiffCases, type DiffCase } from './harness.js';

const parent = 'create table acquisition (uuid varchar primary key, code varchar)';
const child = (fk = '') => `${parent}; create table grid (uuid varchar primary key, acquisition_uuid varchar${fk})`;

const cases: DiffCase[] = [
  { name: 'add a foreign key', from: child(), to: child(' references acquisition'), hazards: ['blocking-lock'] },
  { name: 'drop a foreign key', from: child(' references acquisition'), to: child() },
  {
    name: 'add ON DELETE CASCADE',
    from: child(' references acquisition'),
    to: child(' references acquisition on delete cascade'),
    hazards: ['blocking-lock'],
  },
  {
    name: 'ON UPDATE SET NULL',
    from: child(),
    to: child(' references acquisition on update set null'),
    hazards: ['blocking-lock'],
  },
  {
    name: 'ON DELETE SET DEFAULT',
    from: child(),
    to: child(" default 'x' references acquisition on delete set default"),
    hazards: ['blocking-lock'],
  },
  { name: 'MATCH FULL', from: child(), to: child(' references acquisition match full'), hazards: ['blocking-lock'] },
  {
    name: 'deferrable initially deferred',
    from: child(' references acquisition'),
    to: child(' references acquisition deferrable initially deferred'),
    hazards: ['blocking-lock'],
  },
  {
    name: 'a named foreign key in PostgreSQL style',
    from: child(),
    to: `${child()}; alter table grid add constraint grid_acquisition_uuid_fkey foreign key (acquisition_uuid) references acquisition (uuid)`,
    hazards: ['blocking-lock'],
  },
  {
    name: 'a composite foreign key',
    from: 'create table a (x int, y int, primary key (x, y)); create table b (x int, y int)',
    to: 'create table a (x int, y int, primary key (x, y)); create table b (x int, y int, foreign key (x, y) references a)',
    hazards: ['blocking-lock'],
  },
  {
    name: 'a foreign key to a column made unique by a unique index',
    from: 'create table session (id int primary key, session_id varchar not null); create table instruction (id int, session_id varchar)',
    to: `create table session (id int primary key, session_id varchar not null);
         create unique index ix_session_session_id on session (session_id);
         create table instruction (id int, session_id varchar references session (session_id))`,
    hazards: ['blocking-lock'],
  },
  {
    name: 'rebuild a unique index that a foreign key relies on',
    from: `create table session (id int primary key, session_id varchar not null);
           create unique index ix_session_session_id on session (session_id);
           create table instruction (id int, session_id varchar references session (session_id))`,
    to: `create table session (id int primary key, session_id varchar not null);
         create unique index ix_session_session_id on session (session_id) include (id);
         create table instruction (id int, session_id varchar references session (session_id))`,
    hazards: ['blocking-lock'],
  },
  {
    name: 'change the fillfactor of a primary key that a foreign key references',
    from: 'create table a (id int constraint a_pkey primary key, n int); create table b (a_id int references a)',
    to: 'create table a (id int, n int, constraint a_pkey primary key (id) with (fillfactor = 70)); create table b (a_id int references a)',
    hazards: ['blocking-lock'],
  },
  {
    name: 'change the primary key that a foreign key references to INCLUDE a column',
    from: 'create table a (id int constraint a_pkey primary key, n int); create table b (a_id int references a)',
    to: 'create table a (id int, n int, constraint a_pkey primary key (id) include (n)); create table b (a_id int references a)',
    hazards: ['blocking-lock'],
  },
  {
    name: 'a self-referencing foreign key',
    from: 'create table node (id int primary key, parent_id int)',
    to: 'create table node (id int primary key, parent_id int references node)',
    hazards: ['blocking-lock'],
  },
  {
    name: 'a foreign key across schemas',
    from: 'create schema core; create table core.grid (uuid varchar primary key); create table atlas (grid_uuid varchar)',
    to: 'create schema core; create table core.grid (uuid varchar primary key); create table atlas (grid_uuid varchar references core.grid)',
    hazards: ['blocking-lock'],
  },
  {
    name: 'a NOT VALID foreign key (validates nothing, so locks nothing long)',
    from: child(),
    to: `${child()}; alter table grid add constraint grid_acq foreign key (acquisition_uuid) references acquisition not valid`,
  },
];

runDiffCases('foreign keys', cases);
runDiffCases('foreign keys', cases, { online: true });
