import "server-only";
import { startAuditConsumer } from "@/lib/audit/consumer";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { sessionRedisWarnings } from "@/lib/security/redis-config-check";

/** Once per server process (Node.js runtime): the audit consumer, then the session Redis configuration check. */
export async function runStartupTasks(): Promise<void> {
  if (env().AUDIT_CONSUMER) startAuditConsumer();
  // Retried for a while: at start-up the session Redis may still be starting or the machine busy.
  const warnings = await sessionRedisWarnings(undefined, undefined, { attempts: 10 });
  for (const warning of warnings) logger().warn({ check: "session-redis" }, warning);
}
