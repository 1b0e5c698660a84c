-- The organisation index in the feed's own order (start, end, event id): an organisation's window is
-- read in index order and string_agg'ed without a sort (issue 6: the honest rival). Built in the
-- migration's transaction: writes to occurrences wait for it (about 1.5 s per million rows here).
DROP INDEX "occurrences_org_start_idx";--> statement-breakpoint
CREATE INDEX "occurrences_org_start_idx" ON "occurrences" USING btree ("org_id","start_at","end_at","event_id");