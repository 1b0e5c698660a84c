import "server-only";
import type { LiveUpdate } from "@/lib/events/types";
import { logger } from "@/lib/logger";
import { cacheRedis } from "@/lib/redis/client";
import { keys } from "@/lib/redis/keys";

/**
 * Tells the organisation's other instances (their in-process caches) and its open calendars about a
 * committed change that is not an event's (the engine's write-through publishes those itself). A failure
 * is logged, not thrown: the change is committed; other instances' caches age out (hot windows within
 * 30 s, cohort members within COHORT_TTL_MS) and serve nothing while their subscription is down.
 */
export async function publishLiveUpdate(orgId: string, update: LiveUpdate): Promise<void> {
  try {
    await cacheRedis().publish(keys.liveChannel(orgId), JSON.stringify(update));
  } catch (error) {
    logger().warn({ err: error, orgId }, "change not published on the live channel");
  }
}
