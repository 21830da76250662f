-- Placeholder so this branch migrates (issue 20 uses 015); the lead drops it at merge.
select 1;
