import "server-only";
import { drizzle } from "drizzle-orm/postgres-js";
import { withReplicas, type PgWithReplicas } from "drizzle-orm/pg-core";
import postgres from "postgres";
import { postgresOptions } from "@/lib/connections";
import { env } from "@/lib/env";
import { attributed } from "./query-attribution";
import * as schema from "./schema";

export type Database = ReturnType<typeof openDatabase>;

/**
 * One pool, sized and bounded in lib/connections.ts. The statement timeout is Postgres' own: a statement
 * that runs too long is cancelled and its transaction rolled back on the server, so a slow database gives
 * a clear error (503) with nothing half-written, instead of requests that hang.
 */
export function openDatabase(url: string, { statementTimeoutMs = env().DB_STATEMENT_TIMEOUT_MS, max = env().DB_POOL_MAX } = {}) {
  const client = attributed(postgres(url, postgresOptions(url, { statementTimeoutMs, max })));
  return Object.assign(drizzle(client, { schema }), { $sql: client });
}

// One pool per server per process, also across Next.js module instances (route bundles each import this).
const globalForDb = globalThis as unknown as { cohortDb?: Database; cohortReplicas?: Database[] };

/** The primary: writes, transactions and every read that must see the latest commit. */
export function db(): Database {
  globalForDb.cohortDb ??= openDatabase(env().DATABASE_URL);
  return globalForDb.cohortDb;
}

/** The read replicas from DATABASE_REPLICA_URLS (none: an empty list). */
export function replicaDatabases(): Database[] {
  globalForDb.cohortReplicas ??= env().DATABASE_REPLICA_URLS.map((url) => openDatabase(url));
  return globalForDb.cohortReplicas;
}

/**
 * drizzle's `withReplicas`: `select` and relational queries go to a random replica, writes and
 * transactions to the primary. Only for reads that may be slightly stale (they may miss a commit made
 * a moment ago); reads that must see everything committed use `freshReader()` (lib/reliability).
 */
export function staleReadDb(): PgWithReplicas<Database> {
  const replicas = replicaDatabases();
  const primary = db();
  return withReplicas(primary, replicas.length > 0 ? (replicas as [Database, ...Database[]]) : [primary]);
}

export async function closeDb(): Promise<void> {
  const all = [globalForDb.cohortDb, ...(globalForDb.cohortReplicas ?? [])];
  globalForDb.cohortDb = undefined;
  globalForDb.cohortReplicas = undefined;
  await Promise.all(all.map((d) => d?.$sql.end({ timeout: 5 })));
}
