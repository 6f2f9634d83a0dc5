import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll } from 'vitest';
import { serverUrl } from '../support/fresh-database.js';
import { runDiffCases } from './harness.js';

// Roles are the cluster's: each run has its own.
const app = `smartem_app_${randomBytes(4).toString('hex')}`;
const reader = `smartem_reader_${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  const admin = postgres(serverUrl(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE ROLE ${app}; CREATE ROLE ${reader}`);
  await admin.end();
});
afterAll(async () => {
  const admin = postgres(serverUrl(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP ROLE IF EXISTS ${app}; DROP ROLE IF EXISTS ${reader}`);
  await admin.end();
});

const micrograph = `create table micrograph (uuid varchar primary key, status text, defocus double precision, updated_at timestamptz)`;
const touch = `create function touch() returns trigger language plpgsql as $$ begin new.updated_at = now(); return new; end $$`;
const touchTrigger = `create trigger micrograph_touch before update on micrograph for each row execute function touch()`;

const ddlLog = `create table ddl_log (tag text, at timestamptz default now());
  create function log_ddl() returns event_trigger language plpgsql as $$ begin insert into ddl_log (tag) values (tg_tag); end $$`;

runDiffCases('functions and triggers', [
  {
    name: 'an event trigger on the DDL of some tags, disabled, with a comment (and its function made first)',
    from: '',
    to: `${ddlLog}; create event trigger audit_ddl on ddl_command_end when tag in ('CREATE TABLE', 'ALTER TABLE') execute function log_ddl();
         alter event trigger audit_ddl disable; comment on event trigger audit_ddl is 'who changed what'`,
    upContains: [
      `CREATE EVENT TRIGGER audit_ddl ON ddl_command_end WHEN TAG IN ('ALTER TABLE', 'CREATE TABLE') EXECUTE FUNCTION public.log_ddl()`,
      'ALTER EVENT TRIGGER audit_ddl DISABLE',
    ],
  },
  {
    name: 'an event trigger enabled again, and for every tag',
    from: `${ddlLog}; create event trigger audit_ddl on ddl_command_end when tag in ('CREATE TABLE') execute function log_ddl();
           alter event trigger audit_ddl disable`,
    to: `${ddlLog}; create event trigger audit_ddl on ddl_command_end execute function log_ddl()`,
  },
  {
    name: 'an aggregate over a built-in state function',
    from: '',
    to: `create aggregate total(integer) (sfunc = int4pl, stype = integer, initcond = '0')`,
  },
  {
    name: 'an aggregate made of its own functions, parallel safe, with a comment',
    from: `create function add_defocus(s double precision[], v double precision) returns double precision[] language sql immutable parallel safe as 'select array[s[1] + v, s[2] + 1]';
           create function mean_defocus(s double precision[]) returns double precision language sql immutable parallel safe as 'select s[1] / nullif(s[2], 0)'`,
    to: `create function add_defocus(s double precision[], v double precision) returns double precision[] language sql immutable parallel safe as 'select array[s[1] + v, s[2] + 1]';
         create function mean_defocus(s double precision[]) returns double precision language sql immutable parallel safe as 'select s[1] / nullif(s[2], 0)';
         create aggregate mean_of(double precision) (sfunc = add_defocus, stype = double precision[], finalfunc = mean_defocus, initcond = '{0,0}', parallel = safe);
         comment on aggregate mean_of(double precision) is 'mean defocus'`,
  },
  {
    name: "change an aggregate's initial condition",
    from: `create aggregate total(integer) (sfunc = int4pl, stype = integer, initcond = '0')`,
    to: `create aggregate total(integer) (sfunc = int4pl, stype = integer, initcond = '100')`,
  },
  { name: 'create a function', from: micrograph, to: `${micrograph}; ${touch}` },
  {
    name: "change a function's body (replaced in place, its trigger stays)",
    from: `${micrograph}; ${touch}; ${touchTrigger}`,
    to: `${micrograph}; create function touch() returns trigger language plpgsql as $$ begin new.updated_at = clock_timestamp(); return new; end $$; ${touchTrigger}`,
    upContains: ['CREATE OR REPLACE FUNCTION'],
  },
  {
    name: "change a function's result (dropped and created)",
    from: `create function f(a int) returns int language sql as 'select a'`,
    to: `create function f(a int) returns bigint language sql as 'select a::bigint'`,
    upContains: ['DROP FUNCTION public.f(a integer)'],
  },
  {
    name: 'a SQL function reading a view, both dropped (the down creates the function before the view)',
    from: `${micrograph}; create view recent as select * from micrograph;
           create function recent_count() returns bigint language sql as 'select count(*) from recent'`,
    to: micrograph,
  },
  {
    name: 'a procedure and a function with a comment',
    from: '',
    to: `create procedure p(n int) language plpgsql as $$ begin perform n; end $$;
         create function g() returns int language sql immutable as 'select 1'; comment on function g() is 'one'`,
  },
  { name: 'an updated_at trigger', from: `${micrograph}; ${touch}`, to: `${micrograph}; ${touch}; ${touchTrigger}` },
  {
    name: 'a table with its trigger and function, created and dropped',
    from: '',
    to: `${micrograph}; ${touch}; ${touchTrigger}`,
  },
  {
    name: 'a trigger with a WHEN clause, disabled, with a comment',
    from: `${micrograph}; ${touch}; ${touchTrigger}`,
    to: `${micrograph}; ${touch};
         create trigger micrograph_touch before update on micrograph for each row when (old.status is distinct from new.status) execute function touch();
         alter table micrograph disable trigger micrograph_touch; comment on trigger micrograph_touch on micrograph is 'keeps updated_at'`,
  },
  {
    name: 'a constraint trigger',
    from: `${micrograph}; create function check_status() returns trigger language plpgsql as $$ begin return null; end $$`,
    to: `${micrograph}; create function check_status() returns trigger language plpgsql as $$ begin return null; end $$;
         create constraint trigger micrograph_status after insert on micrograph deferrable initially deferred for each row execute function check_status()`,
  },
  {
    name: 'a trigger survives a type change of its table',
    from: `${micrograph}; ${touch};
           create trigger t_status before update of status on micrograph for each row execute function touch()`,
    to: `create table micrograph (uuid varchar primary key, status varchar(20), defocus double precision, updated_at timestamptz); ${touch};
         create trigger t_status before update of status on micrograph for each row execute function touch()`,
    hazards: ['data-loss'],
  },
]);

runDiffCases('row-level security, roles and grants', [
  {
    name: 'enable row level security with a policy for the application role',
    from: micrograph,
    to: `${micrograph}; alter table micrograph enable row level security;
         create policy own_rows on micrograph for select to ${app} using (status <> 'hidden')`,
  },
  {
    name: 'the role a policy names is created when missing, and never dropped',
    from: micrograph,
    to: `${micrograph}; create policy mine on micrograph to ${app} using (true)`,
    upContains: [`IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${app}') THEN CREATE ROLE ${app}`],
  },
  {
    name: 'a restrictive policy with every clause, forced',
    from: `${micrograph}; alter table micrograph enable row level security`,
    to: `${micrograph}; alter table micrograph enable row level security; alter table micrograph force row level security;
         create policy writes on micrograph as restrictive for update to ${app}, ${reader} using (status is not null) with check (defocus < 0)`,
  },
  {
    name: "change a policy's expression",
    from: `${micrograph}; alter table micrograph enable row level security; create policy p on micrograph using (status = 'a')`,
    to: `${micrograph}; alter table micrograph enable row level security; create policy p on micrograph using (status = 'b')`,
  },
  {
    name: 'a policy survives a type change of the column it reads',
    from: `${micrograph}; alter table micrograph enable row level security; create policy p on micrograph using (status = 'a')`,
    to: `create table micrograph (uuid varchar primary key, status varchar(20), defocus double precision, updated_at timestamptz);
         alter table micrograph enable row level security; create policy p on micrograph using (status = 'a')`,
    hazards: ['data-loss'],
  },
  {
    name: 'grant the application role what it uses',
    from: `${micrograph}; create sequence seq; create schema acq`,
    to: `${micrograph}; create sequence seq; create schema acq;
         grant select, insert, update on micrograph to ${app}; grant usage on sequence seq to ${app};
         grant usage on schema acq to ${app}; grant select on micrograph to ${reader} with grant option`,
  },
  {
    name: 'change what a role is granted',
    from: `${micrograph}; grant select, insert on micrograph to ${app}`,
    to: `${micrograph}; grant select, update, delete on micrograph to ${app}`,
  },
  {
    name: 'grant single columns, on a table and a view, then other columns',
    from: `${micrograph}; create view v as select uuid, status from micrograph;
           grant select (uuid, status), update (status) on micrograph to ${app}; grant select (uuid) on v to ${reader}`,
    to: `${micrograph}; create view v as select uuid, status from micrograph;
         grant select (uuid, defocus) on micrograph to ${app}; grant insert (status) on micrograph to ${reader} with grant option`,
  },
  {
    name: 'a table grant comes beside a column grant (the down revokes it, and grants the column again)',
    from: `${micrograph}; grant select (uuid) on micrograph to ${app}`,
    to: `${micrograph}; grant select (uuid) on micrograph to ${app}; grant select on micrograph to ${app}`,
  },
  {
    name: 'a column grant on a column that is dropped (the down grants it again)',
    from: `${micrograph}; grant select (defocus) on micrograph to ${app}`,
    to: `create table micrograph (uuid varchar primary key, status text, updated_at timestamptz)`,
    hazards: ['data-loss'],
  },
  {
    name: 'revoke the default EXECUTE from PUBLIC and grant it to the application',
    from: `create function f() returns int language sql as 'select 1'`,
    to: `create function f() returns int language sql as 'select 1';
         revoke execute on function f() from public; grant execute on function f() to ${app}`,
  },
  {
    name: 'default privileges: the application role may use the tables and sequences later migrations make',
    from: micrograph,
    to: `${micrograph}; alter default privileges grant select, insert, update on tables to ${app};
         alter default privileges grant usage on sequences to ${app};
         alter default privileges grant select on tables to ${reader} with grant option`,
    upContains: [`ALTER DEFAULT PRIVILEGES GRANT INSERT, SELECT, UPDATE ON TABLES TO ${app}`],
  },
  {
    name: 'default privileges: EXECUTE revoked from PUBLIC for functions made later, and in one schema only',
    from: 'create schema acq',
    to: `create schema acq; alter default privileges revoke execute on functions from public;
         alter default privileges in schema acq grant select on tables to ${reader}`,
    upContains: [
      'ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC',
      `ALTER DEFAULT PRIVILEGES IN SCHEMA acq GRANT SELECT ON TABLES TO ${reader}`,
    ],
  },
  {
    name: 'default privileges that change',
    from: `alter default privileges grant select on tables to ${app}`,
    to: `alter default privileges grant select, delete on tables to ${app}`,
  },
  {
    name: 'a grant on a view that is re-created',
    from: `${micrograph}; create view v as select uuid from micrograph; grant select on v to ${reader}`,
    to: `${micrograph}; create view v as select uuid, status from micrograph; grant select on v to ${reader}`,
  },
]);

runDiffCases('table and view options', [
  {
    name: 'storage parameters for a hot table',
    from: micrograph,
    to: `${micrograph}; alter table micrograph set (fillfactor = 80, autovacuum_vacuum_scale_factor = 0.01, autovacuum_analyze_scale_factor = 0.005)`,
  },
  {
    name: "a storage parameter of the table's TOAST table",
    from: 'create table t (a int, body text)',
    to: 'create table t (a int, body text) with (toast.autovacuum_enabled = false, toast.autovacuum_vacuum_scale_factor = 0.05)',
    upContains: ['ALTER TABLE public.t SET (toast.autovacuum_enabled=false)'],
  },
  {
    name: 'change a storage parameter',
    from: `create table t (a int) with (fillfactor = 70)`,
    to: `create table t (a int) with (fillfactor = 90)`,
  },
  {
    name: 'a view with security_invoker',
    from: micrograph,
    to: `${micrograph}; create view v with (security_invoker = true) as select uuid from micrograph`,
  },
  {
    name: 'a view with a check option, then without',
    from: `${micrograph}; create view v as select uuid, status from micrograph where status = 'ok' with local check option`,
    to: `${micrograph}; create view v as select uuid, status from micrograph where status = 'ok'`,
  },
  {
    name: 'a re-created view keeps its options',
    from: `${micrograph}; create view v with (security_barrier) as select uuid from micrograph`,
    to: `${micrograph}; create view v with (security_barrier) as select uuid, status from micrograph`,
  },
  {
    name: 'replica identity full, and an unlogged table',
    from: `${micrograph}; create table scratch (a int)`,
    to: `${micrograph}; alter table micrograph replica identity full; create unlogged table scratch (a int)`,
  },
  {
    name: 'replica identity using an index',
    from: micrograph,
    to: `${micrograph}; create unique index micrograph_key on micrograph (uuid); alter table micrograph alter column uuid set not null;
         alter table micrograph replica identity using index micrograph_key`,
    hazards: ['blocking-lock'],
  },
  {
    name: 'column statistics target, storage and n_distinct',
    from: micrograph,
    to: `${micrograph}; alter table micrograph alter column status set statistics 1000;
         alter table micrograph alter column status set storage external; alter table micrograph alter column defocus set (n_distinct = 500)`,
  },
  {
    name: 'extended statistics and a rule',
    from: micrograph,
    to: `${micrograph}; create statistics micrograph_stats (dependencies) on status, defocus from micrograph;
         create table micrograph_log (uuid varchar);
         create rule log_insert as on insert to micrograph do also insert into micrograph_log values (new.uuid)`,
  },
  { name: 'a table with no columns', from: '', to: 'create table empty_table ()' },
  {
    name: 'a table with no columns, read the same',
    from: 'create table e ()',
    to: 'create table e ()',
    expectEmptyPlan: true,
  },
]);

const grade = `create function grade_ok(g numeric) returns boolean language plpgsql immutable as $$ begin return g between 0 and 10; end $$`;

runDiffCases('objects that name each other', [
  {
    name: 'nested composite types, made and dropped in their order',
    from: '',
    to: `create type spot as (x real, y real); create type hole as (centre spot, diameter real)`,
  },
  {
    name: "a composite type's attributes change: the functions naming it are made again around it",
    from: `create type spot as (x real, y real); create function spot_x(s spot) returns real language sql as 'select (s).x';
           create function spots(s spot[]) returns int language sql as 'select cardinality(s)'`,
    to: `create type spot as (x real, y real, z real); create function spot_x(s spot) returns real language sql as 'select (s).x';
         create function spots(s spot[]) returns int language sql as 'select cardinality(s)'`,
  },
  {
    name: 'an inner composite type changes: the outer one and its function are made again around it',
    from: `create type spot as (x real); create type hole as (centre spot); create function hole_x(h hole) returns real language sql as 'select ((h).centre).x'`,
    to: `create type spot as (x real, y real); create type hole as (centre spot); create function hole_x(h hole) returns real language sql as 'select ((h).centre).x'`,
  },
  {
    name: "a domain's check calls a function: the function comes first and goes last",
    from: '',
    to: `${grade}; create domain grade as numeric constraint grade_check check (grade_ok(value)); create table foilhole (quality grade)`,
  },
  {
    name: "a function returning a new view's rows is made after the view, and goes before it",
    from: '',
    to: `create table grid (uuid varchar primary key, name varchar); create view named_grid as select uuid, name from grid where name is not null;
         create function named_grids() returns setof named_grid language sql as 'select * from named_grid'`,
  },
  {
    name: "a function taking a new table's row is made after the table, and goes before it",
    from: 'create table keep (n int)',
    to: `create table keep (n int); create table grid (uuid varchar primary key, name varchar);
         create function grid_label(g grid) returns varchar language sql as 'select g.name'`,
  },
  {
    name: 'a view rebuilt under a column type change: a function returning its rows is made again around it',
    from: `create table grid (uuid varchar primary key, n int); create view grid_n as select uuid, n from grid;
           create function all_n() returns setof grid_n language sql as 'select * from grid_n'`,
    to: `create table grid (uuid varchar primary key, n bigint); create view grid_n as select uuid, n from grid;
         create function all_n() returns setof grid_n language sql as 'select * from grid_n'`,
    hazards: ['table-rewrite'],
  },
  {
    name: 'a function a view calls takes another argument: the view is rebuilt around it, the old signature gone first',
    from: `create table grid (n int); create function twice(x int) returns int language sql as 'select x * 2';
           create view grid_twice as select twice(n) as t from grid`,
    to: `create table grid (n int); create function twice(x int, k int default 2) returns int language sql as 'select x * k';
         create view grid_twice as select twice(n) as t from grid`,
  },
  {
    name: 'a function a view calls changes its result type: the view is rebuilt around it',
    from: `create function one() returns int language sql as 'select 1'; create view ones as select one() as o`,
    to: `create function one() returns bigint language sql as 'select 1::bigint'; create view ones as select one() as o`,
  },
  {
    name: 'a BEGIN ATOMIC function reading a new table is made after it, and goes before it',
    from: '',
    to: `create table grid (n int); create function grid_total() returns bigint language sql begin atomic select sum(n) from grid; end`,
  },
  {
    name: 'a BEGIN ATOMIC function is made again around a type change of the column it reads (PostgreSQL refuses the change under it)',
    from: `create table grid (n int, m int); create function grid_total() returns bigint language sql begin atomic select sum(n) from grid; end`,
    to: `create table grid (n bigint); create function grid_total() returns numeric language sql begin atomic select sum(n) from grid; end`,
    hazards: ['data-loss', 'table-rewrite'],
  },
  {
    name: 'a column default calling a function whose result changes: dropped before the function, set again after',
    from: `create function next_code() returns integer language sql as 'select 42'; create table grid (code bigint default next_code())`,
    to: `create function next_code() returns bigint language sql as 'select 42'; create table grid (code bigint default next_code())`,
  },
  {
    name: 'a generated column and an index calling a function whose result changes: made again around it',
    from: `create function twice(x int) returns integer language sql immutable as 'select x * 2';
           create table grid (n int, t bigint generated always as (twice(n)) stored); create index grid_twice on grid (twice(n))`,
    to: `create function twice(x int) returns bigint language sql immutable as 'select x * 2';
         create table grid (n int, t bigint generated always as (twice(n)) stored); create index grid_twice on grid (twice(n))`,
    hazards: ['table-rewrite', 'blocking-lock'],
  },
  {
    name: 'a policy and a rule calling a function whose result changes: made again around it',
    from: `create function twice(x int) returns integer language sql immutable as 'select x * 2';
           create table grid (n int); create table grid_log (n bigint); alter table grid enable row level security;
           create policy grid_even on grid using (twice(n) > 0);
           create rule grid_logged as on insert to grid do also insert into grid_log values (twice(new.n))`,
    to: `create function twice(x int) returns bigint language sql immutable as 'select x * 2';
         create table grid (n int); create table grid_log (n bigint); alter table grid enable row level security;
         create policy grid_even on grid using (twice(n) > 0);
         create rule grid_logged as on insert to grid do also insert into grid_log values (twice(new.n))`,
  },
  {
    name: "a domain's base type changes: a function naming it is made again around it",
    from: `create domain score as numeric(10, 2); create function half(s score) returns score language sql as 'select s / 2'`,
    to: `create domain score as numeric(20, 4); create function half(s score) returns score language sql as 'select s / 2'`,
  },
  {
    name: 'a domain over another domain',
    from: '',
    to: `create domain score as numeric check (value >= 0); create domain small_score as score check (value < 100);
         create table t (s small_score)`,
  },
  {
    name: 'a composite type a column keeps gains an attribute: ALTER TYPE ADD ATTRIBUTE, the values stay',
    from: `create type spot as (x real); create table hole (centre spot); insert into hole values (row(1.5)::spot)`,
    to: `create type spot as (x real, y real); create table hole (centre spot); insert into hole values (row(1.5, null)::spot)`,
    upContains: ['ALTER TYPE public.spot ADD ATTRIBUTE y real'],
  },
  {
    name: "a composite type a column keeps loses an attribute and changes another's type: dropped and added from there, data loss",
    from: `create type spot as (x real, y real, z real); create table hole (centre spot, rim spot[]);
           create function spot_x(s spot) returns real language sql as 'select (s).x'; comment on type spot is 'a point'`,
    to: `create type spot as (x real, y double precision); create table hole (centre spot, rim spot[]);
         create function spot_x(s spot) returns real language sql as 'select (s).x'; comment on type spot is 'a place'`,
    hazards: ['data-loss'],
    upContains: [
      'ALTER TYPE public.spot DROP ATTRIBUTE "z"',
      'ALTER TYPE public.spot DROP ATTRIBUTE "y"',
      'ALTER TYPE public.spot ADD ATTRIBUTE y double precision',
    ],
  },
  {
    name: 'a composite type a column keeps loses its comment only',
    from: `create type spot as (x real); create table hole (centre spot); comment on type spot is 'a point'`,
    to: `create type spot as (x real); create table hole (centre spot)`,
    upContains: ['COMMENT ON TYPE public.spot IS NULL'],
  },
  {
    name: 'a composite type a column keeps names a type made again (an inner composite type): refused by name',
    from: `create type spot as (x real); create type hole as (centre spot); create table rim (h hole)`,
    to: `create type spot as (x real, y real); create type hole as (centre spot); create table rim (h hole)`,
    expectPlanError:
      /cannot change a type that must be made again while a column keeps it:\n {2}- column public\.rim\.h/,
  },
]);

runDiffCases('types, extensions and collations', [
  {
    name: 'an extension and a column of its type',
    from: '',
    to: `create extension citext; create table person (email citext)`,
  },
  {
    name: 'a domain with a check used by a column',
    from: '',
    to: `create domain positive_int as integer not null default 1 check (value > 0); create table t (n positive_int)`,
  },
  {
    name: "change a domain's check",
    from: `create domain d as text check (value <> '')`,
    to: `create domain d as text check (length(value) > 2)`,
  },
  {
    name: "change a domain's check, default and NOT NULL while a column uses it (ALTER DOMAIN, the column stays)",
    from: `create domain positive as integer check (value > 0); create table t (n positive)`,
    to: `create domain positive as integer not null default 1 constraint positive_check check (value >= 0); create table t (n positive)`,
    upContains: [
      'ALTER DOMAIN public.positive DROP CONSTRAINT positive_check',
      'ALTER DOMAIN public.positive SET NOT NULL',
    ],
  },
  { name: 'a composite type', from: '', to: `create type pair as (a integer, b text); comment on type pair is 'two'` },
  { name: 'a range type', from: '', to: `create type floatrange as range (subtype = float8, subtype_diff = float8mi)` },
  {
    name: 'a collation and a column using it',
    from: `create table t (name text)`,
    to: `create collation ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
         create table t (name text collate ci)`,
  },
]);

const events = `create table event (at timestamptz not null, grid varchar, value int) partition by range (at)`;
runDiffCases('partitions', [
  {
    name: 'a partitioned table with partitions and an index',
    from: '',
    to: `${events}; create index event_grid on event (grid);
         create table event_2026 partition of event for values from ('2026-01-01') to ('2027-01-01');
         create table event_rest partition of event default`,
  },
  {
    name: 'add a partition',
    from: `${events}; create table event_2026 partition of event for values from ('2026-01-01') to ('2027-01-01')`,
    to: `${events}; create table event_2026 partition of event for values from ('2026-01-01') to ('2027-01-01');
         create table event_2027 partition of event for values from ('2027-01-01') to ('2028-01-01')`,
  },
  {
    name: 'drop a partition (its rows go)',
    from: `${events}; create table event_2026 partition of event for values from ('2026-01-01') to ('2027-01-01')`,
    to: events,
    hazards: ['data-loss'],
  },
  {
    name: 'a partition partitioned in turn',
    from: events,
    to: `${events}; create table event_2026 partition of event for values from ('2026-01-01') to ('2027-01-01') partition by list (grid);
         create table event_2026_a partition of event_2026 for values in ('a')`,
  },
  {
    name: 'a partition with an index and a check of its own',
    from: `${events}; create table event_2026 partition of event for values from ('2026-01-01') to ('2027-01-01')`,
    to: `${events}; create table event_2026 partition of event for values from ('2026-01-01') to ('2027-01-01');
         create index event_2026_value on event_2026 (value); comment on index event_2026_value is 'hot';
         alter table event_2026 add constraint event_2026_value_positive check (value > 0)`,
    hazards: ['blocking-lock'],
  },
  {
    name: 'a partition given new bounds keeps its own index and trigger',
    from: `${events}; create table event_2026 partition of event for values from ('2026-01-01') to ('2027-01-01');
           create index event_2026_value on event_2026 (value);
           create function stamp() returns trigger language plpgsql as $$ begin return new; end $$;
           create trigger stamped before insert on event_2026 for each row execute function stamp()`,
    to: `${events}; create table event_2026 partition of event for values from ('2026-01-01') to ('2026-07-01');
         create index event_2026_value on event_2026 (value);
         create function stamp() returns trigger language plpgsql as $$ begin return new; end $$;
         create trigger stamped before insert on event_2026 for each row execute function stamp()`,
    hazards: ['data-loss'],
  },
  {
    name: "the parent gains a unique index over a partition's own key: the key is added after it, so PostgreSQL does not take the key's index as its part",
    from: `${events}; create table event_2026 partition of event for values from ('2026-01-01') to ('2027-01-01');
           alter table event_2026 add constraint event_2026_at_key unique (at)`,
    to: `${events}; create table event_2026 partition of event for values from ('2026-01-01') to ('2027-01-01');
         alter table event_2026 add constraint event_2026_at_key unique (at); create unique index event_at on event (at)`,
    hazards: ['blocking-lock'],
    upContains: ['DROP CONSTRAINT event_2026_at_key', 'CREATE UNIQUE INDEX event_at'],
  },
  {
    name: "the parent gains a primary key over a partition's own: the partition's is dropped, the parent's makes it again",
    from: `${events}; create table event_2026 partition of event for values from ('2026-01-01') to ('2027-01-01');
           alter table event_2026 add constraint event_2026_pkey primary key (at)`,
    to: `${events}; create table event_2026 partition of event for values from ('2026-01-01') to ('2027-01-01');
         alter table event add constraint event_pkey primary key (at)`,
    hazards: ['blocking-lock'],
  },
  {
    name: 'a table joins a partitioned table: ATTACH PARTITION, its rows stay (and leaves it: DETACH)',
    from: `${events}; create table event_2025 (at timestamptz not null, grid varchar, value int);
           insert into event_2025 values ('2025-06-01', 'a', 1); comment on table event_2025 is 'last year'`,
    to: `${events}; create table event_2025 partition of event for values from ('2025-01-01') to ('2026-01-01');
         insert into event values ('2025-06-01', 'a', 1); comment on table event_2025 is 'last year'`,
    hazards: ['blocking-lock'],
    upContains: ['ATTACH PARTITION public.event_2025 FOR VALUES FROM'],
  },
  {
    name: "a table joins a partitioned table with an index: the index part is made on it first, so the down's DETACH leaves what was there",
    from: `${events}; create index event_value on event (value);
           create table event_2025 (at timestamptz not null, grid varchar, value int)`,
    to: `${events}; create index event_value on event (value);
         create table event_2025 partition of event for values from ('2025-01-01') to ('2026-01-01')`,
    hazards: ['blocking-lock'],
    upContains: ['CREATE INDEX event_2025_value_idx ON public.event_2025', 'ATTACH PARTITION public.event_2025'],
  },
  {
    name: 'a partition leaves its table and keeps its rows: DETACH PARTITION, then its own index as the table it is now',
    from: `${events}; create index event_grid on event (grid);
           create table event_2025 partition of event for values from ('2025-01-01') to ('2026-01-01')`,
    to: `${events}; create index event_grid on event (grid);
         create table event_2025 (at timestamptz not null, grid varchar, value int); create index event_2025_grid on event_2025 (grid)`,
    hazards: ['blocking-lock'],
    upContains: ['DETACH PARTITION public.event_2025'],
  },
  {
    name: "a table whose columns are not its new parent's is dropped and made again, as before (data loss)",
    from: `${events}; create table event_2025 (at timestamptz not null, other text)`,
    to: `${events}; create table event_2025 partition of event for values from ('2025-01-01') to ('2026-01-01')`,
    hazards: ['data-loss'],
  },
  {
    name: 'a partitioned table made plain is made again (its rows copied: test/diff/repartition.test.ts)',
    from: events,
    to: `create table event (at timestamptz not null, grid varchar, value int)`,
    hazards: ['blocking-lock', 'data-loss'],
  },
]);

runDiffCases('what smartem-db cannot migrate yet', [
  {
    name: 'an operator is refused by name, not left out',
    from: '',
    to: `create operator === (leftarg = integer, rightarg = integer, function = int4eq)`,
    expectPlanError: /cannot write the SQL.*operator ===\(integer,integer\): wanted/s,
  },
]);
