CREATE TABLE "job_fences" (
	"name" text PRIMARY KEY NOT NULL,
	"token" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
