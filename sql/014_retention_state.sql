-- When the retention pass (src/scheduler/engine/retention.ts, issue 19) last finished. Every replica
-- runs its own hourly timer and the advisory lock lets one pass run at a time; with this row, a
-- replica that gets the lock skips the pass when another finished one less than an interval ago, so
-- the passes stay about hourly in all, however many replicas there are. Times are the database's, so
-- replicas with skewed clocks agree. One row at most.
create table retention_state (
  id boolean primary key default true check (id),
  last_pass_at timestamptz not null,
  -- What that pass removed (executions_deleted, jobs_deleted, batches, duration_ms), for operators.
  last_report jsonb not null
);
