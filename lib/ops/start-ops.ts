import "server-only";
import { configurationWarnings, env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { startMinuteStats } from "@/lib/metrics/minute-stats";
import { cacheRedis } from "@/lib/redis/client";
import { keys, ttl } from "@/lib/redis/keys";
import { startHorizonJob } from "./horizon-job";
import { warmCache } from "./warm-up";

/**
 * The operations side of every app instance, started from `lib/startup-check.ts`: configuration
 * warnings, the per-minute statistics of the System page, the horizon job and (CACHE_WARM_ON_START=1)
 * a cache warm-up in the background. The app answers meanwhile; reads miss until their units are warm.
 */
export function startOperations(): void {
  for (const warning of configurationWarnings(env())) logger().warn({ warning }, "configuration");
  startMinuteStats();
  startHorizonJob();
  if (env().CACHE_WARM_ON_START) void warmOnStart();
}

/**
 * One warm-up per deploy: the first instance to start takes the lock, the others (rolling restart) skip.
 * Returns what happened ("skipped" when another instance holds the lock). `orgIds`: tests only.
 */
export async function warmOnStart(orgIds?: string[]): Promise<"warmed" | "skipped" | "failed"> {
  try {
    const mine = await cacheRedis().set(keys.warmLock(), String(process.pid), "EX", ttl.warmLockSeconds, "NX");
    if (mine !== "OK") {
      logger().info("cache warm-up skipped: another instance warmed the cache recently");
      return "skipped";
    }
    logger().info("cache warm-up started");
    const report = await warmCache({ orgIds, onProgress: (line) => logger().info({ progress: line }, "cache warm-up") });
    logger().info({ ...report, failed: report.failed.length }, "cache warm-up finished");
    return "warmed";
  } catch (error) {
    logger().warn({ err: error }, "cache warm-up failed; reads rehydrate on demand");
    return "failed";
  }
}
