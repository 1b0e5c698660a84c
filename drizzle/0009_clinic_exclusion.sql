-- No double booking of a clinician or a room (issue 11), enforced by Postgres itself: two overlapping
-- occurrences may not hold the same clinician (or room) unless one is cancelled. An exclusion constraint
-- is checked under concurrency too: of two transactions booking one slot, the second waits for the first
-- and fails with SQLSTATE 23P01 when it commits (lib/resources/booking-guard.ts maps that to a 409).
-- All-day entries are left out: they mark days, not the resource's time. Not deferrable, so that
-- ON CONFLICT DO NOTHING can use them as arbiters (extending a series past its horizon).
ALTER TABLE "occurrences" ADD CONSTRAINT "occurrences_clinician_no_overlap"
  EXCLUDE USING gist ("clinician_id" WITH =, tstzrange("start_at", "end_at") WITH &&)
  WHERE ("clinician_id" IS NOT NULL AND "status" <> 'cancelled' AND NOT "all_day");--> statement-breakpoint
ALTER TABLE "occurrences" ADD CONSTRAINT "occurrences_room_no_overlap"
  EXCLUDE USING gist ("room_id" WITH =, tstzrange("start_at", "end_at") WITH &&)
  WHERE ("room_id" IS NOT NULL AND "status" <> 'cancelled' AND NOT "all_day");
