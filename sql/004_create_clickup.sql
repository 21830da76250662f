-- ClickUp integration: rules that turn task changes into scheduled jobs, the webhooks registered
-- through this server (with their signing secrets), the inbox of received events (deduplicated on
-- the history item id) and, per (rule, task), the job it drives plus the last event applied.

create table clickup_rules (
  id uuid primary key,
  name text not null,
  list_id text,
  trigger_status text not null,
  run_at_field text not null check (run_at_field in ('due_date', 'start_date', 'now')),
  offset_text text,
  offset_ms bigint not null default 0,
  action text not null,
  action_fields jsonb not null default '{}'::jsonb,
  on_success_comment text,
  on_success_status text,
  on_failure_comment text,
  on_failure_status text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table clickup_webhooks (
  id text primary key,
  team_id text not null,
  endpoint text not null,
  events jsonb not null,
  location jsonb not null default '{}'::jsonb,
  secret text not null,
  created_at timestamptz not null default now()
);

create table clickup_events (
  -- history_items[].id, or `<event>:<task id>` for events without history items (taskDeleted).
  history_id text primary key,
  event text not null,
  task_id text not null,
  webhook_id text,
  event_at timestamptz,
  payload jsonb not null,
  received_at timestamptz not null default now()
);

create index clickup_events_task_idx on clickup_events (task_id, received_at);

create table clickup_rule_tasks (
  rule_id uuid not null references clickup_rules (id) on delete cascade,
  task_id text not null,
  job_id uuid,
  -- How many jobs this (rule, task) has had; a job re-created after a cancel gets a new dedupe key.
  seq integer not null default 1,
  -- What the job's time was derived from, e.g. `due_date:1751634000000` or `now`.
  run_key text,
  -- Date of the newest event applied (history item date, or the reconciliation time): older events are ignored.
  last_event_at timestamptz,
  last_note text,
  updated_at timestamptz not null default now(),
  primary key (rule_id, task_id)
);

create index clickup_rule_tasks_job_idx on clickup_rule_tasks (job_id);
create index clickup_rule_tasks_task_idx on clickup_rule_tasks (task_id);
