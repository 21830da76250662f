-- Which process runs an attempt, and whether that process is alive.
--
-- An attempt used to count as abandoned once pg-boss expired it (its timeout plus
-- ATTEMPT_EXPIRY_GRACE_SECONDS). A database outage longer than that grace made pg-boss expire
-- attempts whose process was alive, holding their outcome and waiting for the database: they ran
-- twice and were recorded as abandoned. Now every process that runs attempts keeps a lease here,
-- renewed well within ATTEMPT_EXPIRY_GRACE_SECONDS, and stamps the attempts it claims with its id;
-- only attempts of a process whose lease lapsed are closed as abandoned and retried
-- (src/scheduler/engine/lease.ts, sweeper.ts). Times are the database's, so replicas with skewed
-- clocks agree.
create table engine_processes (
  id uuid primary key,
  started_at timestamptz not null default now(),
  -- The process counts as alive until then; each renewal moves it forward.
  expires_at timestamptz not null
);

-- Null for attempts claimed before this migration: those are judged by the old rule (started long
-- enough ago, see sweepAbandonedAttempts).
alter table job_executions add column process_id uuid;

-- pg-boss's expiry is now only a backstop (src/scheduler/engine/occurrences.ts): occurrences already
-- waiting in pg-boss get the same 24 h. The table belongs to pg-boss and exists only once it has
-- started, so the update runs only where it does, and only on the pg-boss 12 layout.
do $$
begin
  if exists (
    select 1 from information_schema.columns
    where table_schema = 'pgboss' and table_name = 'job' and column_name = 'expire_seconds'
  ) then
    update pgboss.job set expire_seconds = 86400
    where name like 'occurrence-%' and state in ('created', 'retry', 'active');
  end if;
end
$$;
