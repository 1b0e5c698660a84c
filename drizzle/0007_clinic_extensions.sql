-- Clinical scheduling (issue 11). btree_gist: exclusion constraints that mix equality on a resource id with
-- overlap of time ranges (no double booking of a clinician or room). pg_trgm: substring search of titles and
-- names from an index. Both are trusted extensions: a database owner may create them without superuser.
CREATE EXTENSION IF NOT EXISTS btree_gist;--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS pg_trgm;
