-- ClickUp hardening (issue 15).
--
-- Signed deliveries that cannot be used (no task id, a body that is not a JSON object…) are kept in
-- the inbox as rejected, with the reason, instead of failing the request: ClickUp counts every
-- non-2xx answer toward suspending the webhook. Such a row has no task.
alter table clickup_events alter column task_id drop not null;
alter table clickup_events add column rejected_reason text;

-- The task's own `date_updated` (ms) last applied to the pair. A task is read from ClickUp outside
-- the transaction that applies it, so two workers can apply two reads of one task out of order; the
-- older read is recognised by this and ignored.
alter table clickup_rule_tasks add column task_updated_ms bigint;

-- One shared view of ClickUp's per-token rate limit, kept by every replica (the key is a hash of the
-- token, never the token): requests left in the current window and when it resets. A replica that
-- finds none left waits for the reset, bounded, instead of drawing more 429s for all.
create table clickup_rate_budget (
  token_key text primary key,
  remaining integer,
  reset_at timestamptz,
  updated_at timestamptz not null default now()
);
