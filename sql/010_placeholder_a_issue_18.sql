-- Placeholder so this branch (issue 18, migration 012) applies: postgres-migrations requires consecutive ids.
-- The lead replaces it at merge with the real migration 010 of another branch.
select 1;
