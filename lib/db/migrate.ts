import "server-only";
import path from "node:path";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import { db } from "./client";

export async function runMigrations(): Promise<void> {
  await migrate(db(), { migrationsFolder: path.join(process.cwd(), "drizzle") });
}
