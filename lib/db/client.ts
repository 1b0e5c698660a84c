import "server-only";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { postgresOptions } from "@/lib/connections";
import { env } from "@/lib/env";
import * as schema from "./schema";

export type Database = ReturnType<typeof createDatabase>;

function createDatabase(url: string) {
  const client = postgres(url, postgresOptions(url));
  return Object.assign(drizzle(client, { schema }), { $sql: client });
}

// One pool per process, also across Next.js module instances (route bundles each import this module).
const globalForDb = globalThis as unknown as { cohortDb?: Database };

export function db(): Database {
  globalForDb.cohortDb ??= createDatabase(env().DATABASE_URL);
  return globalForDb.cohortDb;
}

export async function closeDb(): Promise<void> {
  const current = globalForDb.cohortDb;
  globalForDb.cohortDb = undefined;
  await current?.$sql.end({ timeout: 5 });
}
