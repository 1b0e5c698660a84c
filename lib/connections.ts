import "server-only";
import { readFileSync } from "node:fs";
import type { RedisOptions } from "ioredis";
import type { Options } from "postgres";
import { env } from "@/lib/env";

/**
 * Pool sizes, timeouts and TLS of every connection, in one place (values from lib/env.ts). TLS itself
 * comes from the URLs: `rediss://` for Redis, `?sslmode=verify-full` for Postgres; a private CA is read
 * from REDIS_CA_FILE / DATABASE_CA_FILE (or give Node NODE_EXTRA_CA_CERTS for every connection at once).
 */
export function postgresOptions(): Options<Record<string, never>> {
  const e = env();
  const options: Options<Record<string, never>> = {
    max: e.DB_POOL_MAX,
    idle_timeout: e.DB_IDLE_TIMEOUT_SECONDS,
    connect_timeout: e.DB_CONNECT_TIMEOUT_SECONDS,
    // Recycled now and then, so a failover or DNS change is picked up without a restart.
    max_lifetime: 30 * 60,
    onnotice: () => {},
    connection: {
      application_name: "cohort-calendar",
      ...(e.DB_STATEMENT_TIMEOUT_MS ? { statement_timeout: e.DB_STATEMENT_TIMEOUT_MS } : {}),
    },
  };
  // Only when given: an `ssl` key, even undefined, would override the URL's sslmode.
  if (e.DATABASE_CA_FILE) options.ssl = { ca: readFileSync(e.DATABASE_CA_FILE, "utf8"), rejectUnauthorized: true };
  return options;
}

/**
 * Bounded by design: a Redis that hangs must not hang requests. Commands time out (1 s by default) and
 * are retried at most once, so while Redis is away callers see an error quickly and fall back (cache)
 * or fail closed (sessions).
 */
export function redisOptions(url: string, connectionName: string): RedisOptions {
  const e = env();
  const options: RedisOptions = {
    connectionName,
    commandTimeout: e.REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: e.REDIS_CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  };
  if (url.startsWith("rediss://") && e.REDIS_CA_FILE) options.tls = { ca: readFileSync(e.REDIS_CA_FILE, "utf8") };
  return options;
}
