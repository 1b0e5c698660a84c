CREATE TYPE "public"."appointment_status" AS ENUM('booked', 'confirmed', 'checked_in', 'attended', 'no_show', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."resource_kind" AS ENUM('clinician', 'room');--> statement-breakpoint
CREATE TABLE "appointment_types" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"name" text NOT NULL,
	"duration_minutes" integer NOT NULL,
	"color" text NOT NULL,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "appointment_types_duration_ck" CHECK ("appointment_types"."duration_minutes" BETWEEN 5 AND 1440)
);
--> statement-breakpoint
CREATE TABLE "closures" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"resource_id" uuid,
	"title" text NOT NULL,
	"start_at" timestamp with time zone NOT NULL,
	"end_at" timestamp with time zone NOT NULL,
	"all_day" boolean DEFAULT false NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "closures_end_after_start_ck" CHECK ("closures"."end_at" > "closures"."start_at")
);
--> statement-breakpoint
CREATE TABLE "occurrence_status_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"original_start" timestamp with time zone NOT NULL,
	"from_status" "appointment_status" NOT NULL,
	"status" "appointment_status" NOT NULL,
	"reason" text,
	"changed_by" uuid,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "occurrence_statuses" (
	"event_id" uuid NOT NULL,
	"original_start" timestamp with time zone NOT NULL,
	"status" "appointment_status" NOT NULL,
	"reason" text,
	"changed_by" uuid,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "occurrence_statuses_event_id_original_start_pk" PRIMARY KEY("event_id","original_start")
);
--> statement-breakpoint
CREATE TABLE "resources" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"kind" "resource_kind" NOT NULL,
	"name" text NOT NULL,
	"user_id" uuid,
	"color" text NOT NULL,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "working_hours" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"resource_id" uuid NOT NULL,
	"weekday" smallint NOT NULL,
	"start_time" time NOT NULL,
	"end_time" time NOT NULL,
	CONSTRAINT "working_hours_weekday_ck" CHECK ("working_hours"."weekday" BETWEEN 0 AND 6),
	CONSTRAINT "working_hours_order_ck" CHECK ("working_hours"."end_time" > "working_hours"."start_time")
);
--> statement-breakpoint
ALTER TABLE "event_exceptions" ADD COLUMN "clinician_id" uuid;--> statement-breakpoint
ALTER TABLE "event_exceptions" ADD COLUMN "room_id" uuid;--> statement-breakpoint
ALTER TABLE "event_exceptions" ADD COLUMN "type_id" uuid;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "clinician_id" uuid;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "room_id" uuid;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "type_id" uuid;--> statement-breakpoint
ALTER TABLE "occurrences" ADD COLUMN "clinician_id" uuid;--> statement-breakpoint
ALTER TABLE "occurrences" ADD COLUMN "room_id" uuid;--> statement-breakpoint
ALTER TABLE "occurrences" ADD COLUMN "type_id" uuid;--> statement-breakpoint
ALTER TABLE "occurrences" ADD COLUMN "status" "appointment_status" DEFAULT 'booked' NOT NULL;--> statement-breakpoint
ALTER TABLE "occurrences" ADD COLUMN "status_reason" text;--> statement-breakpoint
ALTER TABLE "appointment_types" ADD CONSTRAINT "appointment_types_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "closures" ADD CONSTRAINT "closures_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "closures" ADD CONSTRAINT "closures_resource_id_resources_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."resources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "closures" ADD CONSTRAINT "closures_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "occurrence_statuses" ADD CONSTRAINT "occurrence_statuses_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "occurrence_statuses" ADD CONSTRAINT "occurrence_statuses_changed_by_users_id_fk" FOREIGN KEY ("changed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resources" ADD CONSTRAINT "resources_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resources" ADD CONSTRAINT "resources_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "working_hours" ADD CONSTRAINT "working_hours_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "working_hours" ADD CONSTRAINT "working_hours_resource_id_resources_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."resources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "appointment_types_org_name_idx" ON "appointment_types" USING btree ("org_id","name");--> statement-breakpoint
CREATE INDEX "closures_org_start_idx" ON "closures" USING btree ("org_id","start_at");--> statement-breakpoint
CREATE INDEX "occurrence_status_history_event_idx" ON "occurrence_status_history" USING btree ("event_id","original_start","id");--> statement-breakpoint
CREATE INDEX "occurrence_status_history_org_idx" ON "occurrence_status_history" USING btree ("org_id","changed_at");--> statement-breakpoint
CREATE UNIQUE INDEX "resources_org_kind_name_idx" ON "resources" USING btree ("org_id","kind","name");--> statement-breakpoint
CREATE INDEX "resources_name_trgm_idx" ON "resources" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "working_hours_resource_idx" ON "working_hours" USING btree ("resource_id","weekday");--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_clinician_id_resources_id_fk" FOREIGN KEY ("clinician_id") REFERENCES "public"."resources"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_room_id_resources_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."resources"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_type_id_appointment_types_id_fk" FOREIGN KEY ("type_id") REFERENCES "public"."appointment_types"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "occurrences_clinician_start_idx" ON "occurrences" USING btree ("clinician_id","start_at") WHERE "occurrences"."clinician_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "occurrences_room_start_idx" ON "occurrences" USING btree ("room_id","start_at") WHERE "occurrences"."room_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "occurrences_title_trgm_idx" ON "occurrences" USING gin ("title" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "patients_name_trgm_idx" ON "patients" USING gin ("name" gin_trgm_ops);