import "server-only";
import type Redis from "ioredis";
import { env } from "@/lib/env";
import { sessionRedis } from "@/lib/redis/client";

/**
 * Sessions, rate-limit counters and the audit stream must survive memory pressure and restarts: the
 * session Redis has to run with `maxmemory-policy noeviction` and AOF persistence (`appendonly yes`), and in
 * production apart from the evictable cache. Returns the warnings (empty when all is well).
 */
export async function sessionRedisWarnings(
  redis: Redis = sessionRedis(),
  shared = env().SESSION_REDIS_URL === env().REDIS_URL,
  { attempts = 1, pauseMs = 1000 } = {},
): Promise<string[]> {
  const warnings: string[] = [];
  try {
    const { policy, appendonly } = await readConfig(redis, attempts, pauseMs);
    if (policy !== "noeviction") {
      warnings.push(`the session Redis runs with maxmemory-policy ${policy}: sessions, rate limits and audit entries can be evicted; set noeviction`);
    }
    if (appendonly !== "yes") {
      warnings.push("the session Redis runs without AOF (appendonly no): a restart loses sessions and pending audit entries; set appendonly yes");
    }
  } catch (error) {
    // Managed services often disable CONFIG: say that it could not be verified rather than nothing.
    warnings.push(`could not verify the session Redis configuration (CONFIG GET: ${error instanceof Error ? error.message : String(error)}); it must run with noeviction and AOF`);
  }
  if (shared && env().NODE_ENV === "production") {
    warnings.push("cache and sessions share one Redis (SESSION_REDIS_URL = REDIS_URL): in production give sessions their own instance");
  }
  return warnings;
}

/** CONFIG GET, retried while Redis is merely slow or still starting (not when CONFIG is refused). */
async function readConfig(redis: Redis, attempts: number, pauseMs: number): Promise<{ policy: string; appendonly: string }> {
  for (let attempt = 1; ; attempt++) {
    try {
      const [, policy] = (await redis.config("GET", "maxmemory-policy")) as [string, string];
      const [, appendonly] = (await redis.config("GET", "appendonly")) as [string, string];
      return { policy, appendonly };
    } catch (error) {
      // Redis answered with an error (CONFIG renamed away, no permission): asking again will not help.
      const refused = error instanceof Error && /^(ERR|NOPERM)/.test(error.message);
      if (refused || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
}
