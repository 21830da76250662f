-- An attempt's execution id now names the attempt: an occurrence's first attempt uses its pg-boss job
-- id, a later attempt a UUID derived from (pg-boss job id, attempt) (src/scheduler/engine/boss.ts). The
-- primary key therefore makes (boss_job_id, attempt) unique by itself, and the unique index on it, one
-- more index entry for every execution row written (the claim's insert and the outcome's update), goes:
-- ~8 µs of Postgres CPU per occurrence (PROJECT_INFO.md → Performance). Looking up the attempts of
-- a redelivered occurrence reads the first one by primary key and the others (later attempts, and every
-- row written before this migration, whose ids were random) through this partial index, which the
-- first attempts, nearly all rows, never enter.
alter table job_executions drop constraint job_executions_boss_job_id_attempt_key;
create index job_executions_boss_job_idx on job_executions (boss_job_id) where id <> boss_job_id;
