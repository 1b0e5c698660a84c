import "server-only";
import Redis from "ioredis";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { keys } from "@/lib/redis/keys";
import { hotWindows } from "../hot-windows";
import type { LiveUpdate } from "../types";

const globalForSubscriber = globalThis as unknown as { cohortInvalidations?: Redis };

/**
 * Listens to every organisation's live channel and drops the hot windows each change touches. The hot
 * tier is live only while this subscription is; a reconnect starts it empty (messages may have been lost).
 */
export function startInvalidationListener(): void {
  if (globalForSubscriber.cohortInvalidations) return;
  const pattern = keys.liveChannel("*");
  const orgOf = (channel: string) => channel.slice(channel.indexOf("{") + 1, channel.lastIndexOf("}"));
  const subscriber = new Redis(env().REDIS_URL, { connectionName: "cohort-invalidations", maxRetriesPerRequest: null });
  globalForSubscriber.cohortInvalidations = subscriber;

  const hot = hotWindows();
  subscriber.on("ready", () => {
    subscriber
      .psubscribe(pattern)
      .then(() => hot.setLive(true))
      .catch((error: unknown) => logger().warn({ err: error }, "live channel subscription failed"));
  });
  for (const event of ["close", "end", "error"] as const) subscriber.on(event, () => hot.setLive(false));
  subscriber.on("pmessage", (_pattern: string, channel: string, message: string) => {
    try {
      const update = JSON.parse(message) as LiveUpdate;
      hot.invalidate(orgOf(channel), update.patientIds);
    } catch {
      // A message we cannot read could have concerned anything: start over.
      hot.clear();
    }
  });
}

export async function stopInvalidationListener(): Promise<void> {
  const subscriber = globalForSubscriber.cohortInvalidations;
  globalForSubscriber.cohortInvalidations = undefined;
  hotWindows().setLive(false);
  await subscriber?.quit().catch(() => subscriber.disconnect());
}
