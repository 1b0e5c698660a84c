ALTER TABLE "events" ADD COLUMN "revision" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "max_occurrence_ms" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
UPDATE "organizations" AS org SET "max_occurrence_ms" = coalesce(
  (SELECT max(extract(epoch FROM o.end_at - o.start_at) * 1000)::bigint FROM "occurrences" o WHERE o.org_id = org.id), 0);
