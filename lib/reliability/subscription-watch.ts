import "server-only";
import { env } from "@/lib/env";
import type { RedisClient } from "@/lib/redis/client";

/**
 * A subscribed connection hears nothing when Redis hangs (frozen, a dead network path): no error, no
 * close, just no messages, so whatever relies on them (invalidations of the hot windows) would go stale
 * without knowing. A PING every second (allowed while subscribed) with the command deadline tells:
 * unanswered means down, the next answer means up again.
 */
export function watchSubscription(
  subscriber: RedisClient,
  handlers: { onDown: (reason: string) => void; onUp: () => void },
  intervalMs = 1000,
): () => void {
  let down = false;
  let inFlight = false;
  const timeoutMs = env().REDIS_COMMAND_TIMEOUT_MS;
  const check = async () => {
    if (inFlight) return;
    inFlight = true;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        subscriber.ping(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no PONG within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      if (down) {
        down = false;
        handlers.onUp();
      }
    } catch (error) {
      if (!down) {
        down = true;
        handlers.onDown(error instanceof Error ? error.message : String(error));
      }
    } finally {
      clearTimeout(timer);
      inFlight = false;
    }
  };
  const interval = setInterval(() => void check(), intervalMs);
  interval.unref();
  return () => clearInterval(interval);
}
