CREATE TABLE "index_outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"deleted" boolean DEFAULT false NOT NULL,
	"previous" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "series_end" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "index_outbox_org_idx" ON "index_outbox" USING btree ("org_id","id");--> statement-breakpoint
CREATE INDEX "index_outbox_event_idx" ON "index_outbox" USING btree ("event_id","id");--> statement-breakpoint
CREATE INDEX "events_org_materialized_idx" ON "events" USING btree ("org_id","materialized_until") WHERE "events"."rrule" IS NOT NULL;