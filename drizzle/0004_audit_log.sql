CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"entry_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_user_id" uuid,
	"actor_role" text NOT NULL,
	"action" text NOT NULL,
	"patient_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"all_patients" boolean DEFAULT false NOT NULL,
	"event_id" uuid,
	"cohort_id" uuid,
	"subject_user_id" uuid,
	"ip" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "audit_log_entry_id_unique" UNIQUE("entry_id")
);
--> statement-breakpoint
CREATE INDEX "audit_log_org_time_idx" ON "audit_log" USING btree ("org_id","occurred_at");--> statement-breakpoint
CREATE INDEX "audit_log_patients_idx" ON "audit_log" USING gin ("patient_ids");--> statement-breakpoint
CREATE INDEX "audit_log_org_event_idx" ON "audit_log" USING btree ("org_id","event_id");