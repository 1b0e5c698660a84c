import "server-only";
import { startAuditConsumer } from "@/lib/audit/consumer";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { sessionRedisWarnings } from "@/lib/security/redis-config-check";

/** Once per server process (Node.js runtime): configuration warnings, then the audit consumer. */
export async function runStartupTasks(): Promise<void> {
  for (const warning of await sessionRedisWarnings()) logger().warn({ check: "session-redis" }, warning);
  if (env().AUDIT_CONSUMER) startAuditConsumer();
}
