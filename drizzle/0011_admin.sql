CREATE TABLE "user_invites" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "week_start" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "workday_start" text DEFAULT '08:00' NOT NULL;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "workday_end" text DEFAULT '18:00' NOT NULL;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "work_days" integer[] DEFAULT '{1,2,3,4,5}'::integer[] NOT NULL;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "palette" text[] DEFAULT '{#1a73e8,#e8710a,#188038,#a142f4,#d93025,#12b5cb,#f538a0,#795548}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "patients" ADD COLUMN "notes" text;--> statement-breakpoint
ALTER TABLE "patients" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "user_invites" ADD CONSTRAINT "user_invites_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_invites" ADD CONSTRAINT "user_invites_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_invites" ADD CONSTRAINT "user_invites_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "user_invites_user_idx" ON "user_invites" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "patients_org_lower_name_idx" ON "patients" USING btree ("org_id",lower("name"),"id");--> statement-breakpoint
CREATE INDEX "patients_org_dob_idx" ON "patients" USING btree ("org_id","date_of_birth","id");--> statement-breakpoint
CREATE INDEX "patients_org_archived_idx" ON "patients" USING btree ("org_id","archived_at");--> statement-breakpoint
CREATE INDEX "users_patient_idx" ON "users" USING btree ("patient_id");