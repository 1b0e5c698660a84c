import { closeDb } from "@/lib/db/client";
import { runMigrations } from "@/lib/db/migrate";

const started = Date.now();
try {
  await runMigrations();
  console.log(`[migrate] schema up to date (${Date.now() - started} ms)`);
} catch (error) {
  console.error("[migrate] failed:", error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await closeDb();
}
