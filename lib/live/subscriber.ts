import "server-only";
import type { LiveUpdate } from "@/lib/events/types";
import { logger } from "@/lib/logger";
import { createSubscriber, type RedisClient } from "@/lib/redis/client";
import { keys } from "@/lib/redis/keys";

type Listener = (update: LiveUpdate) => void;

/**
 * One Redis subscription per process and organisation, shared by every open browser of that organisation
 * (a connection per browser would not scale). Channels are subscribed while someone listens.
 */
class LiveHub {
  private subscriber: RedisClient | null = null;
  private readonly listeners = new Map<string, Set<Listener>>();

  private connection(): RedisClient {
    if (!this.subscriber) {
      // A subscribed connection can run nothing else: it needs its own (to the cluster, when there is one).
      const sub = createSubscriber("cohort-live");
      sub.on("message", (channel: string, payload: string) => this.dispatch(channel, payload));
      this.subscriber = sub;
    }
    return this.subscriber;
  }

  private dispatch(channel: string, payload: string) {
    const set = this.listeners.get(channel);
    if (!set?.size) return;
    let update: LiveUpdate;
    try {
      update = JSON.parse(payload) as LiveUpdate;
    } catch {
      logger().warn({ channel }, "malformed live update ignored");
      return;
    }
    for (const listener of set) listener(update);
  }

  listen(orgId: string, listener: Listener): () => void {
    const channel = keys.liveChannel(orgId);
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      this.connection()
        .subscribe(channel)
        .catch((err: unknown) => logger().warn({ err, channel }, "live subscription failed"));
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(channel) === set) {
        this.listeners.delete(channel);
        this.subscriber?.unsubscribe(channel).catch(() => {});
      }
    };
  }
}

const globalForLive = globalThis as unknown as { cohortLiveHub?: LiveHub };

export function liveHub(): LiveHub {
  globalForLive.cohortLiveHub ??= new LiveHub();
  return globalForLive.cohortLiveHub;
}
