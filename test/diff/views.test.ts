import { runDiffCases } from './harness.js';

const tables = `create table grid (uuid varchar primary key, name varchar, status text);
create table gridsquare (uuid varchar primary key, grid_uuid varchar, defocus double precision)`;

runDiffCases('views', [
  { name: 'create a view', from: tables, to: `${tables}; create view grid_names as select uuid, name from grid` },
  { name: 'drop a view', from: `${tables}; create view grid_names as select uuid, name from grid`, to: tables },
  {
    name: 'change a view',
    from: `${tables}; create view v as select uuid from grid`,
    to: `${tables}; create view v as select uuid, name from grid`,
  },
  {
    name: 'a view on a view',
    from: tables,
    to: `${tables}; create view a as select uuid, name from grid; create view b as select uuid from a`,
  },
  {
    name: 'change a view that another view reads',
    from: `${tables}; create view a as select uuid, name from grid; create view b as select uuid from a`,
    to: `${tables}; create view a as select uuid, name, status from grid; create view b as select uuid from a`,
  },
  {
    name: 'change the type of a column a view reads',
    from: `${tables}; create view v as select uuid, name from grid`,
    to: `create table grid (uuid varchar primary key, name text, status text);
         create table gridsquare (uuid varchar primary key, grid_uuid varchar, defocus double precision);
         create view v as select uuid, name from grid`,
  },
  {
    name: 'drop a column a view does not read',
    from: `${tables}; create view v as select uuid from grid`,
    to: `create table grid (uuid varchar primary key, name varchar);
         create table gridsquare (uuid varchar primary key, grid_uuid varchar, defocus double precision);
         create view v as select uuid from grid`,
    hazards: ['data-loss'],
  },
  {
    name: 'a join view',
    from: tables,
    to: `${tables}; create view square_grid as select s.uuid, g.name from gridsquare s join grid g on g.uuid = s.grid_uuid`,
  },
  {
    name: 'a materialized view with an index',
    from: tables,
    to: `${tables}; create materialized view defocus_by_grid as select grid_uuid, avg(defocus) as mean from gridsquare group by grid_uuid;
         create unique index defocus_by_grid_uuid on defocus_by_grid (grid_uuid)`,
  },
  {
    name: 'change a materialized view',
    from: `${tables}; create materialized view m as select grid_uuid, avg(defocus) as mean from gridsquare group by grid_uuid;
           create index m_grid on m (grid_uuid)`,
    to: `${tables}; create materialized view m as select grid_uuid, max(defocus) as top from gridsquare group by grid_uuid;
         create index m_grid on m (grid_uuid)`,
  },
  {
    name: 'an index on a materialized view that stays: added, with a comment',
    from: `${tables}; create materialized view m as select grid_uuid, avg(defocus) as mean from gridsquare group by grid_uuid`,
    to: `${tables}; create materialized view m as select grid_uuid, avg(defocus) as mean from gridsquare group by grid_uuid;
         create unique index m_grid on m (grid_uuid); comment on index m_grid is 'one row a grid'`,
    hazards: ['blocking-lock'],
  },
  {
    name: 'an index on a materialized view that stays: changed, keeping its comment',
    from: `${tables}; create materialized view m as select grid_uuid, avg(defocus) as mean from gridsquare group by grid_uuid;
           create index m_grid on m (grid_uuid); comment on index m_grid is 'by grid'`,
    to: `${tables}; create materialized view m as select grid_uuid, avg(defocus) as mean from gridsquare group by grid_uuid;
         create index m_grid on m (grid_uuid, mean); comment on index m_grid is 'by grid'`,
    hazards: ['blocking-lock'],
  },
  {
    name: 'a view becomes a materialized view',
    from: `${tables}; create view v as select uuid from grid`,
    to: `${tables}; create materialized view v as select uuid from grid`,
  },
  {
    name: 'drop a table and the view on it',
    from: `${tables}; create view v as select uuid from grid`,
    to: 'create table gridsquare (uuid varchar primary key, grid_uuid varchar, defocus double precision)',
    hazards: ['data-loss'],
  },
]);
