-- The engine updates every job twice per occurrence (at claim: run count, next run; when the last
-- attempt is recorded: status). With no index on those columns and room left in each page, both are
-- HOT updates: no new index entries, far less WAL. The partial index on next_run_at was the only one
-- on them; the dispatcher's wake-up and the due-backlog gauge now read pg-boss's own job index, which
-- also sees retries and manual runs. Only pages written from now on leave the 20 % free.
drop index scheduled_jobs_next_run_idx;
alter table scheduled_jobs set (fillfactor = 80);
