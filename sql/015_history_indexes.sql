-- Indexes for the read tools and the dashboard with months of history (issue 19;
-- docs/performance.md → At scale). With a million jobs, every listJobs filter and the word search
-- read only what they return instead of scanning scheduled_jobs.
--
-- None of them covers a column the engine writes per occurrence (run_count, next_run_at,
-- last_execution_id, updated_at), so its claim and record updates stay HOT (migrations 005, 007).
-- The status index does cover status: the one update that settles a job (completed, failed) and
-- pause/resume/cancel now add index entries; that is once per job, not per occurrence.

-- The word search matches folded words as substrings ("reuni" finds "Reunião"): trigrams answer
-- LIKE '%…%' from an index. pg_trgm is a trusted extension (no superuser needed, only CREATE on the
-- database) shipped with PostgreSQL's contrib, which the official images and embedded-postgres
-- include. It goes into a schema of its own so its many functions stay out of ours (and out of
-- sql/dump/schema.sql); where it was already installed elsewhere, that installation is used.
create schema if not exists extensions;
create extension if not exists pg_trgm schema extensions;

-- The searchable text of a job, folded like foldText (src/scheduler/text-match.ts): name,
-- description and tags, decomposed (NFD), without combining marks U+0300–U+036F, lower-cased. The
-- job search (repository/list-jobs.ts) calls this same function, so the index below matches it.
-- Declared immutable: array_to_string is only stable because of arbitrary element types' output
-- functions; on text[] its result depends on nothing but its input.
create function scheduled_job_search_text(name text, description text, tags text[]) returns text
  language sql immutable parallel safe
  as $$
    select lower(regexp_replace(
      normalize(name || ' ' || coalesce(description, '') || ' ' || array_to_string(tags, ' '), NFD),
      '[\u0300-\u036f]', '', 'g'))
  $$;

do $$
begin
  execute format(
    'create index scheduled_jobs_search_idx on scheduled_jobs using gin '
    '(scheduled_job_search_text(name, description, tags) %I.gin_trgm_ops)',
    (select n.nspname from pg_extension e join pg_namespace n on n.oid = e.extnamespace
     where e.extname = 'pg_trgm'));
end
$$;
-- Enough statistics on the folded text to tell a rare word from a common one: with the default
-- (100) the planner cannot estimate a LIKE below 1 % (one histogram entry in 100), takes a word
-- found in one job in 1,000 for a common one and reads the newest jobs one by one through the
-- created_at index, folding each (250 ms at 100,000 jobs); with 1,000 it reads the word's few jobs
-- from this index instead (20 ms). ANALYZE then samples 300,000 rows (~5 s at 1,000,000 jobs).
alter index scheduled_jobs_search_idx alter column 1 set statistics 1000;

-- listJobs by status, action or source, newest first: the page is read in index order. Without
-- them a filter matching few or no jobs (status=paused, a rarely used action) read the whole
-- created_at index.
create index scheduled_jobs_status_idx on scheduled_jobs (status, created_at desc, id desc);
create index scheduled_jobs_action_idx on scheduled_jobs (action_kind, created_at desc, id desc);
create index scheduled_jobs_source_created_idx on scheduled_jobs (source, created_at desc, id desc);

-- listExecutions outcome=failed (what retryExecution can replay), newest first: a job's failed
-- attempts in listing order. Without it the page was read from all of the job's executions, one
-- heap page each (months of a frequent job's history). Partial: only failed rows get an entry, and
-- job_executions' updates are not HOT anyway (the running index's predicate covers status).
create index job_executions_failed_idx on job_executions (job_id, started_at desc, id desc)
  where status = 'failed';

