import "server-only";
import path from "node:path";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import { env } from "@/lib/env";
import { openDatabase } from "./client";

export async function runMigrations(url = env().DATABASE_URL): Promise<void> {
  // A migration may rebuild an index on a large table: no statement timeout here.
  const database = openDatabase(url, { statementTimeoutMs: 0, max: 1 });
  try {
    await migrate(database, { migrationsFolder: path.join(process.cwd(), "drizzle") });
  } finally {
    await database.$sql.end({ timeout: 5 });
  }
}
