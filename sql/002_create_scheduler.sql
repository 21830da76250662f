-- The scheduler's record: job definitions (scheduled_jobs) and one row per attempt (job_executions).
-- pg-boss (schema pgboss) delivers the occurrences; these tables are what agents read.

create table scheduled_jobs (
  id uuid primary key,
  name text not null check (length(name) between 1 and 200),
  description text,
  status text not null default 'scheduled'
    check (status in ('scheduled', 'paused', 'completed', 'cancelled', 'failed')),
  action_kind text not null,
  -- Non-secret action fields, returned to agents.
  action_params jsonb not null,
  -- Write-only action values (e.g. webhook header values): used when running, never returned or logged.
  action_secrets jsonb not null default '{}'::jsonb,
  -- The normalised timing (src/scheduler/timing Schedule).
  schedule jsonb not null,
  timezone text not null,
  -- Bumped whenever the pending occurrence is replaced (update, pause, resume, cancel): an older
  -- occurrence that still fires sees a different generation and does nothing.
  generation integer not null default 1,
  -- Due time of the pending scheduled occurrence; null when none is pending.
  next_run_at timestamptz,
  -- Occurrences enqueued under the current timing (what max_runs counts).
  occurrences_planned integer not null default 0,
  -- Occurrences that started (first attempts), manual runs included.
  run_count integer not null default 0,
  max_attempts integer not null default 3 check (max_attempts between 1 and 10),
  timeout_seconds integer not null default 30 check (timeout_seconds between 1 and 3600),
  dedupe_key text,
  -- sha256 of the normalised create request: identical retries (Dify re-sends POSTs) return the first job.
  content_hash text not null,
  -- Name of the API key (never the key) or integration that created the job.
  created_by text not null,
  tags text[] not null default '{}',
  source text not null default 'api',
  source_ref text,
  last_execution_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create unique index scheduled_jobs_dedupe_key_key on scheduled_jobs (dedupe_key) where dedupe_key is not null;
-- Newest-first keyset pagination.
create index scheduled_jobs_created_idx on scheduled_jobs (created_at desc, id desc);
create index scheduled_jobs_recent_identical_idx on scheduled_jobs (created_by, content_hash, created_at desc);
create index scheduled_jobs_next_run_idx on scheduled_jobs (next_run_at) where status = 'scheduled';
create index scheduled_jobs_tags_idx on scheduled_jobs using gin (tags);
create index scheduled_jobs_source_idx on scheduled_jobs (source, source_ref) where source_ref is not null;

create table job_executions (
  id uuid primary key,
  job_id uuid not null references scheduled_jobs (id) on delete cascade,
  -- The pg-boss job that carried this occurrence; (boss_job_id, attempt) identifies an attempt.
  boss_job_id uuid not null,
  occurrence_at timestamptz not null,
  manual boolean not null default false,
  attempt integer not null check (attempt >= 1),
  status text not null check (status in ('running', 'succeeded', 'failed')),
  started_at timestamptz not null,
  finished_at timestamptz,
  lateness_ms integer not null,
  duration_ms integer,
  request_summary jsonb,
  response_status integer,
  response_headers jsonb,
  response_body text,
  response_truncated boolean,
  -- Action-specific result (e.g. a Dify answer, a WhatsApp message id).
  output jsonb,
  error_class text,
  error_message text,
  unique (boss_job_id, attempt)
);

create index job_executions_job_idx on job_executions (job_id, started_at desc, id desc);
create index job_executions_running_idx on job_executions (started_at) where status = 'running';
