-- job_executions.job_id no longer has a foreign key (PROJECT_INFO.md → Performance).
--
-- The key's check ran a lookup query per inserted attempt, about a tenth of the engine's own
-- database time per occurrence. The only writer of execution rows is the engine's claim, which
-- locks the job row in the same transaction before inserting, so the job always exists at insert
-- time; no code deletes jobs (cancelling keeps the history). What the key still gave was the
-- cascade when someone deletes a job by hand: such a job's executions now stay, readable by id.
alter table job_executions drop constraint job_executions_job_id_fkey;
