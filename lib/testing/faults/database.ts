import path from "node:path";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { startPostgresServer } from "@/scripts/lib/postgres-servers.mjs";
import { faultDataDir } from "@/scripts/testing/fault-env.mjs";

export type PostgresServer = Awaited<ReturnType<typeof startPostgresServer>>;

/**
 * A Postgres server of a fault scenario's own (it may be stopped or frozen without touching the shared
 * test database), with the app's schema in database "cohort" and pg_stat_statements to count queries.
 */
export async function startFaultDatabase(name: string, port: number): Promise<{ server: PostgresServer; url: string }> {
  const server = await startPostgresServer({
    dir: faultDataDir(`${name}/postgres`),
    port,
    name: `${name} postgres`,
    settings: { shared_preload_libraries: "pg_stat_statements", "pg_stat_statements.track": "all" },
  });
  const admin = postgres(server.url(), { max: 1, onnotice: () => {} });
  try {
    await admin`CREATE DATABASE cohort`;
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = server.url("cohort");
  // A plain connection, not lib/db: that would read lib/env.ts, whose values the test overrides only
  // once this server's address is known (lib/env.ts reads the environment once per module graph).
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`;
    await migrate(drizzle(sql), { migrationsFolder: path.join(process.cwd(), "drizzle") });
  } finally {
    await sql.end({ timeout: 5 });
  }
  return { server, url };
}

/** Calls per statement since the last reset, for statements whose text contains `fragment`. */
export async function statementCalls(url: string, fragments: Record<string, string>): Promise<Record<string, number>> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ query: string; calls: string }[]>`SELECT query, calls::text FROM pg_stat_statements`;
    const counts: Record<string, number> = {};
    for (const [name, fragment] of Object.entries(fragments)) {
      counts[name] = rows.filter((r) => r.query.includes(fragment)).reduce((sum, r) => sum + Number(r.calls), 0);
    }
    return counts;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export async function resetStatements(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`SELECT pg_stat_statements_reset()`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
