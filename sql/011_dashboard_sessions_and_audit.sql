-- The people's dashboard (/ui) and the audit of job changes (issue 18).
--
-- ui_sessions: a teammate exchanges their named API key for a session. The cookie carries a random
-- token; only its sha256 is stored, so a database read cannot be replayed as a login. The key's
-- fingerprint ties the session to the key it was opened with: removing or rotating the key ends it.
create table ui_sessions (
  token_hash bytea primary key,
  key_name text not null,
  key_fingerprint text not null,
  -- Synchronizer token every form and htmx request of this session must carry.
  csrf_token text not null,
  -- The viewer's IANA zone, for showing times.
  timezone text not null,
  created_at timestamptz not null,
  -- Idle expiry: a session unused for the idle limit ends (checked against this).
  last_seen_at timestamptz not null,
  -- Absolute expiry, however active the session is.
  expires_at timestamptz not null
);
create index ui_sessions_expires_idx on ui_sessions (expires_at);

-- Failed logins per client address, for throttling across replicas; rows past the window are pruned.
create table ui_login_failures (
  id bigint generated always as identity primary key,
  client text not null,
  failed_at timestamptz not null
);
create index ui_login_failures_client_idx on ui_login_failures (client, failed_at);

-- Every change to a job: who (the API key's name, or `clickup`) and through what face, written in the
-- transaction of the change itself. No foreign key, like job_executions: the history outlives a job
-- deleted by hand.
create table job_changes (
  id bigint generated always as identity primary key,
  job_id uuid not null,
  changed_at timestamptz not null,
  actor text not null,
  via text not null check (via in ('api', 'mcp', 'ui', 'clickup')),
  change text not null check (change in ('create', 'update', 'pause', 'resume', 'cancel', 'run_now')),
  -- What changed, never a secret value: field names, old and new status, the new timing in words.
  detail jsonb not null default '{}'::jsonb
);
create index job_changes_job_idx on job_changes (job_id, changed_at desc, id desc);

-- What each ClickUp event did, for the dashboard: one entry per rule (created, updated, cancelled …).
alter table clickup_events
  add column processed_at timestamptz,
  add column outcome jsonb;
create index clickup_events_received_idx on clickup_events (received_at desc);

-- Results of reconciliation passes (the newest are shown; older rows are pruned by each pass).
create table clickup_reconciliations (
  id bigint generated always as identity primary key,
  started_at timestamptz not null,
  finished_at timestamptz not null,
  result jsonb,
  error text
);

-- The overview's charts read the last 24 hours of attempts. Rows arrive in started_at order, so a
-- BRIN index finds them for a few pages of index and costs the engine's inserts next to nothing
-- (a B-tree would add an entry per attempt to the hot path).
create index job_executions_started_brin on job_executions using brin (started_at);
