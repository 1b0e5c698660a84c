import "server-only";
import { env } from "@/lib/env";
import type { RedisClient } from "@/lib/redis/client";

/**
 * A subscribed connection hears nothing when Redis hangs (frozen, a dead network path): no error, no
 * close, just no messages, so whatever relies on them (invalidations of the hot windows) would go stale
 * without knowing. A PING (allowed while subscribed) tells, and its answer comes after every message
 * Redis sent before it, so an answered ping also means "every invalidation published before it was sent
 * has been applied here".
 *
 * Two different questions, answered separately:
 * - May a read use the index and hot windows now? Only within the lease: LEASE of the command timeout
 *   after sending the last answered ping. Another instance acknowledges a write without indexing it only
 *   after one of its commands went unanswered for REDIS_COMMAND_TIMEOUT_MS, which needs Redis silent
 *   that long after it answered us, so a read within the lease cannot miss such a write. A read that
 *   finds the lease run out waits for the next answer (`renewal()`) rather than leaving the cache.
 * - Was Redis silent long enough that some write may have been acknowledged without being indexed (the
 *   index is then suspect until the outbox is replayed)? Only when the gap between two of its answers
 *   reached the command timeout. This process's own event loop stalling (a busy or starved server)
 *   delays the answers it reads, not Redis: a stall shorter than that is no reason to distrust the index,
 *   which matters when Postgres, which a replay needs, is away at the same time.
 */
export interface SubscriptionWatch {
  /** True while the last answered ping is recent enough that no silence can have gone unnoticed. */
  fresh(now?: number): boolean;
  /**
   * Resolves once the lease is renewed or that is not to be expected soon: after the next answer, or at
   * once when Redis has been silent past a ping's timeout (reads then go to Postgres without waiting).
   */
  renewal(): Promise<void>;
  stop(): void;
}

export interface WatchTiming {
  intervalMs: number;
  /** A ping unanswered this long is overdue: reads stop waiting for it. */
  timeoutMs: number;
  leaseMs: number;
  /** A gap this long between answers may have let another instance acknowledge an unindexed write. */
  silenceMs: number;
}

export function watchTiming(commandTimeoutMs = env().REDIS_COMMAND_TIMEOUT_MS): WatchTiming {
  return {
    intervalMs: Math.max(10, Math.floor(commandTimeoutMs / 8)),
    timeoutMs: Math.max(20, Math.floor(commandTimeoutMs / 4)),
    leaseMs: Math.max(30, Math.floor((commandTimeoutMs * 3) / 4)),
    silenceMs: commandTimeoutMs,
  };
}

export function watchSubscription(
  subscriber: RedisClient,
  handlers: { onDown: (reason: string) => void; onUp: () => void },
  { intervalMs, timeoutMs, leaseMs, silenceMs }: WatchTiming = watchTiming(),
): SubscriptionWatch {
  /** When the last answered ping was sent; undefined until the first answer. */
  let lastAnswered: number | undefined;
  /** When this process last read an answer. */
  let lastRead: number | undefined;
  let down = false;
  /** When each unanswered ping was sent, oldest first (answers come in order). */
  let pending: number[] = [];
  let overdue = false;
  /** Reads waiting for an answer to a ping sent at or after `since`. */
  let waiters: { since: number; resolve: () => void }[] = [];

  const wake = (all: boolean, sentAt = 0) => {
    const keep: typeof waiters = [];
    for (const waiter of waiters) {
      if (all || waiter.since <= sentAt) waiter.resolve();
      else keep.push(waiter);
    }
    waiters = keep;
  };

  // Before the first answer there is nothing to have missed: reads simply wait for the lease.
  const goDown = (reason: string) => {
    if (down || lastAnswered === undefined) return;
    down = true;
    handlers.onDown(reason);
  };

  const answered = (sentAt: number) => {
    const answeredAt = Date.now();
    pending = pending.filter((at) => at > sentAt);
    // Answers read together (a burst after a silence) are one return: judged once, by the first.
    const burst = answeredAt === lastRead;
    lastRead = answeredAt;
    if (!burst && lastAnswered !== undefined && answeredAt - lastAnswered >= silenceMs) goDown(`no answer for ${answeredAt - lastAnswered} ms`);
    if (lastAnswered === undefined || sentAt > lastAnswered) lastAnswered = sentAt;
    overdue = false;
    if (down) {
      down = false;
      handlers.onUp();
    }
    wake(false, sentAt);
  };

  const ping = () => {
    const sentAt = Date.now();
    pending.push(sentAt);
    subscriber.ping().then(
      () => answered(sentAt),
      (error: unknown) => {
        // A failed ping says nothing about how long Redis was silent; the connection's own events
        // report a lost connection.
        pending = pending.filter((at) => at !== sentAt);
        if (lastAnswered !== undefined && Date.now() - lastAnswered >= silenceMs) goDown(error instanceof Error ? error.message : String(error));
        wake(true);
      },
    );
  };

  // Judged in the check phase, after the poll phase has read whatever answers arrived during a stall
  // of this event loop (timers fire first after a stall, before the sockets are read).
  const tick = () =>
    setImmediate(() => {
      const now = Date.now();
      if (pending.length > 0 && now - pending[0]! >= timeoutMs && !overdue) {
        overdue = true;
        wake(true);
      }
      if (lastAnswered !== undefined && now - lastAnswered >= silenceMs) goDown(`no answer for ${now - lastAnswered} ms`);
      // One ping at a time while answers come; while Redis is silent, one per tick, so the first
      // answer after it resumes is read at once.
      if (pending.length === 0 || overdue) ping();
    });
  tick();
  const interval = setInterval(tick, intervalMs);
  interval.unref();
  return {
    fresh: (now = Date.now()) => !down && lastAnswered !== undefined && now - lastAnswered <= leaseMs,
    renewal: () => {
      if (down || overdue) return Promise.resolve();
      const since = Date.now();
      return new Promise<void>((resolve) => {
        waiters.push({ since, resolve });
        // Reads that ask in the same millisecond share one ping.
        if (pending.at(-1) !== since) ping();
      });
    },
    stop: () => {
      clearInterval(interval);
      wake(true);
    },
  };
}
