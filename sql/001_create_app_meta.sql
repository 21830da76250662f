-- The first migration: a one-row table recording when this database was first set up.
-- Later migrations add the scheduler and integration tables.
create table app_meta (
  id boolean primary key default true check (id),
  created_at timestamptz not null default now()
);
insert into app_meta default values;
