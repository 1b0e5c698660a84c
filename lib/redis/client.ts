import "server-only";
import Redis from "ioredis";
import { redisOptions } from "@/lib/connections";
import { env } from "@/lib/env";
import { recordDependencyError } from "@/lib/metrics/instruments";

/**
 * Bounded by design: a Redis that hangs must not hang requests. Commands time out after a second and
 * are retried at most once, so while Redis is away callers see an error quickly and fall back (cache)
 * or fail closed (sessions). The offline queue stays on only so the first commands of a new process
 * wait for the connection instead of failing; the command timeout bounds that wait.
 */
function connect(url: string, name: string): Redis {
  const client = new Redis(url, redisOptions(url, name));
  // Errors surface on the commands that hit them; the connection-level event is only counted.
  client.on("error", (error) => recordDependencyError(name === "cohort-sessions" ? "redis_sessions" : "redis_cache", error));
  return client;
}

const globalForRedis = globalThis as unknown as { cohortCache?: Redis; cohortSessions?: Redis };

/** The cache and event index instance (evictable). */
export function cacheRedis(): Redis {
  globalForRedis.cohortCache ??= connect(env().REDIS_URL, "cohort-cache");
  return globalForRedis.cohortCache;
}

/** The session store (never evicted; may be the same server as the cache). */
export function sessionRedis(): Redis {
  const { SESSION_REDIS_URL, REDIS_URL } = env();
  if (SESSION_REDIS_URL === REDIS_URL) return cacheRedis();
  globalForRedis.cohortSessions ??= connect(SESSION_REDIS_URL, "cohort-sessions");
  return globalForRedis.cohortSessions;
}

export async function closeRedis(): Promise<void> {
  const clients = [globalForRedis.cohortCache, globalForRedis.cohortSessions];
  globalForRedis.cohortCache = undefined;
  globalForRedis.cohortSessions = undefined;
  await Promise.all(clients.map((c) => c?.quit().catch(() => c.disconnect())));
}
