CREATE SEQUENCE IF NOT EXISTS "public"."job_fence_tokens" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "job_fences" (
	"name" text PRIMARY KEY NOT NULL,
	"token" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
