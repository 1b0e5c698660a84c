import "server-only";
import { env } from "@/lib/env";
import type { RedisClient } from "@/lib/redis/client";

/**
 * A subscribed connection hears nothing when Redis hangs (frozen, a dead network path): no error, no
 * close, just no messages, so whatever relies on them (invalidations of the hot windows) would go stale
 * without knowing. A PING (allowed while subscribed) tells: unanswered or answered late means the server
 * was away, and messages and other instances' write-throughs may have been missed meanwhile.
 *
 * Another instance acknowledges a write without indexing it only after one of its commands went
 * unanswered for REDIS_COMMAND_TIMEOUT_MS. This watch must notice the silence before that can happen, so
 * it pings every quarter of that timeout and wants each answer within half of it: a silence is called
 * within three quarters. Reads check the lease too (`fresh()`), so a timer that fires late on a busy
 * event loop cannot let a read through in between.
 */
export interface SubscriptionWatch {
  /** True while the last timely answer is recent enough that no silence can have gone unnoticed. */
  fresh(now?: number): boolean;
  stop(): void;
}

export interface WatchTiming {
  intervalMs: number;
  timeoutMs: number;
}

export function watchTiming(commandTimeoutMs = env().REDIS_COMMAND_TIMEOUT_MS): WatchTiming {
  return { intervalMs: Math.max(25, Math.floor(commandTimeoutMs / 4)), timeoutMs: Math.max(25, Math.floor(commandTimeoutMs / 2)) };
}

export function watchSubscription(
  subscriber: RedisClient,
  handlers: { onDown: (reason: string) => void; onUp: () => void },
  { intervalMs, timeoutMs }: WatchTiming = watchTiming(),
): SubscriptionWatch {
  const leaseMs = intervalMs + timeoutMs;
  /** When the last ping answered in time was sent; undefined until the first answer. */
  let lastAnswered: number | undefined;
  let down = false;
  let inFlight = false;

  // Before the first answer there is nothing to have missed: reads simply wait for the lease.
  const goDown = (reason: string) => {
    if (down || lastAnswered === undefined) return;
    down = true;
    handlers.onDown(reason);
  };

  const check = () => {
    if (inFlight) return;
    inFlight = true;
    const sentAt = Date.now();
    let settled = false;
    const settle = () => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      inFlight = false;
      return true;
    };
    const timer = setTimeout(() => {
      // Released, so that a ping sent after the server resumes can tell that it is back.
      if (settle()) goDown(`no PONG within ${timeoutMs} ms`);
    }, timeoutMs);
    subscriber.ping().then(
      () => {
        const answeredAt = Date.now();
        const timely = answeredAt - sentAt <= timeoutMs;
        settle();
        if (!timely) return goDown(`PONG after ${answeredAt - sentAt} ms`);
        // The lease ran out before this answer (a stalled event loop, a timer that fired late): a silence
        // may have passed unnoticed, so treat it as one.
        if (lastAnswered !== undefined && answeredAt - lastAnswered > leaseMs) goDown(`no timely PONG for ${answeredAt - lastAnswered} ms`);
        lastAnswered = sentAt;
        if (down) {
          down = false;
          handlers.onUp();
        }
      },
      (error: unknown) => {
        if (settle()) goDown(error instanceof Error ? error.message : String(error));
      },
    );
  };
  check();
  const interval = setInterval(check, intervalMs);
  interval.unref();
  return {
    fresh: (now = Date.now()) => !down && lastAnswered !== undefined && now - lastAnswered <= leaseMs,
    stop: () => clearInterval(interval),
  };
}
