-- The due time of a job's last scheduled occurrence, set by the claim that finds it has no
-- successor (PROJECT_INFO.md → The scheduling engine, "Record").
--
-- A job's final status comes from its last occurrence. Occurrences can overlap: the second-to-last
-- may still be retrying when the last one is claimed, and whichever finished first used to decide
-- the job's status. Only an occurrence at or after this time settles the job now. Null for jobs
-- whose last occurrence was claimed before this column existed (they settle as before).
alter table scheduled_jobs add column final_occurrence_at timestamptz;
