import "server-only";
import { startAuditConsumer } from "@/lib/audit/consumer";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { sessionRedis } from "@/lib/redis/client";
import { sessionRedisWarnings } from "@/lib/security/redis-config-check";

/** Once per server process (Node.js runtime): the audit consumer, then the session Redis configuration check. */
export async function runStartupTasks(): Promise<void> {
  if (env().AUDIT_CONSUMER) startAuditConsumer();
  // Retried for a while: at start-up the session Redis may still be starting or the machine busy. Over a
  // short-lived connection of its own: its timeouts at a busy start-up (Next preloads every route module
  // right after "Ready", holding the event loop for seconds on a loaded machine) must not count against
  // the breaker that guards sign-ins and session checks.
  const redis = sessionRedis().duplicate({ connectionName: "cohort-config-check", commandTimeout: env().REDIS_COMMAND_TIMEOUT_MS });
  redis.on("error", () => {});
  try {
    const warnings = await sessionRedisWarnings(redis, undefined, { attempts: 10 });
    for (const warning of warnings) logger().warn({ check: "session-redis" }, warning);
  } finally {
    redis.disconnect();
  }
}
