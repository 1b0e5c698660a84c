import "server-only";
import { logger } from "@/lib/logger";
import { markIndexSuspect, recoverIndex, setIndexLease } from "@/lib/reliability/index-recovery";
import { watchSubscription, type SubscriptionWatch } from "@/lib/reliability/subscription-watch";
import { createSubscriber, type RedisClient } from "@/lib/redis/client";
import { keys } from "@/lib/redis/keys";
import { hotWindows } from "../hot-windows";
import { forgetOrgCohorts, forgetOrgPatientScope } from "../patient-scope";
import type { LiveUpdate } from "../types";

const globalForSubscriber = globalThis as unknown as { cohortInvalidations?: { subscriber: RedisClient; watch: SubscriptionWatch } };

/**
 * Listens to every organisation's live channel and drops the hot windows each change touches. The hot
 * tier is live only while this subscription is; a reconnect starts it empty (messages may have been lost).
 */
export function startInvalidationListener(): void {
  if (globalForSubscriber.cohortInvalidations) return;
  const pattern = keys.liveChannel("*");
  const orgOf = (channel: string) => channel.slice(channel.indexOf("{") + 1, channel.lastIndexOf("}"));
  // The cache's own server (or cluster): that is where write-throughs publish.
  const subscriber = createSubscriber("cohort-invalidations");

  const hot = hotWindows();
  subscriber.on("ready", () => {
    subscriber
      .psubscribe(pattern)
      .then(() => hot.setLive(true))
      .catch((error: unknown) => logger().warn({ err: error }, "live channel subscription failed"));
  });
  for (const event of ["close", "end", "error"] as const) subscriber.on(event, () => hot.setLive(false));
  // A Redis that hangs closes nothing: a heartbeat notices. Messages may have been missed meanwhile, and
  // other instances' write-throughs may have failed: the index is suspect too until the outbox is replayed.
  const watch = watchSubscription(subscriber, {
    onDown: (reason) => {
      hot.setLive(false);
      markIndexSuspect(`live channel silent: ${reason}`);
    },
    onUp: () => {
      hot.setLive(true);
      recoverIndex();
    },
  });
  setIndexLease(watch);
  globalForSubscriber.cohortInvalidations = { subscriber, watch };
  subscriber.on("pmessage", (_pattern: string, channel: string, message: string) => {
    try {
      const update = JSON.parse(message) as LiveUpdate;
      if (update.unindexed) {
        hot.invalidateOrg(orgOf(channel));
        markIndexSuspect("another instance committed a change it could not write through");
        recoverIndex();
      } else if (update.patient === "archived") forgetOrgPatientScope(orgOf(channel));
      else if (update.cohort) forgetOrgCohorts(orgOf(channel));
      else hot.invalidate(orgOf(channel), update.patientIds);
    } catch {
      // A message we cannot read could have concerned anything: start over.
      hot.clear();
    }
  });
}

export async function stopInvalidationListener(): Promise<void> {
  const listener = globalForSubscriber.cohortInvalidations;
  globalForSubscriber.cohortInvalidations = undefined;
  hotWindows().setLive(false);
  if (!listener) return;
  listener.watch.stop();
  setIndexLease(null);
  await listener.subscriber.quit().catch(() => listener.subscriber.disconnect());
}
