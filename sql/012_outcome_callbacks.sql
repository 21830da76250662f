-- Outcomes flow back (issue 20): a job may ask to be told how each of its runs ended, and every
-- such callback attempt is recorded as an execution row of its own.
--
-- callback: what to call when a run settles (non-secret: URL, when, header names, notify target);
-- null when the job has none. callback_secrets: the callback's header values, write-only like
-- action_secrets (used when calling, never returned or logged).
alter table scheduled_jobs add column callback jsonb;
alter table scheduled_jobs add column callback_secrets jsonb not null default '{}'::jsonb;

-- A callback attempt's row names the run execution it reports. Null on every run's row: those are
-- the rows the engine claims, sweeps and counts; callbacks are delivered and closed by their own
-- worker. No foreign key, like job_id (migration 006): the history outlives rows deleted by hand.
alter table job_executions add column reports_execution_id uuid;
create index job_executions_reports_idx on job_executions (reports_execution_id)
  where reports_execution_id is not null;

-- Replaying a failed execution (retryExecution) is a change to the job's audit trail.
alter table job_changes drop constraint job_changes_change_check;
alter table job_changes add constraint job_changes_change_check
  check (change in ('create', 'update', 'pause', 'resume', 'cancel', 'run_now', 'replay'));
