import "server-only";
import { reconcileOutbox } from "@/lib/events/index/reconcile";
import { logger } from "@/lib/logger";
import { onBreakerChange, redisBreakers } from "@/lib/redis/client";
import type { SubscriptionWatch } from "./subscription-watch";

/**
 * After the cache Redis was away, its index may lack the writes made meanwhile (their outbox rows wait in
 * Postgres) or still hold what they replaced: when it comes back (restarted from its AOF, or resumed
 * after a pause), this process reads no window from it until the outbox has been replayed, so nothing
 * stale or deleted is served in the gap between "Redis answers" and "the reconciler has caught up".
 */
interface RecoveryState {
  recovering: boolean;
  /** A replay is running; `again`: something was marked suspect meanwhile, so it makes another pass. */
  draining: boolean;
  again: boolean;
  started: boolean;
  /** How many recoveries ran and how long the last one took (for the reliability report). */
  runs: number;
  lastMs: number;
  /** The live channel's heartbeat (lib/reliability/subscription-watch), once the listener runs. */
  lease?: Pick<SubscriptionWatch, "fresh" | "renewal">;
}
const globalForRecovery = globalThis as unknown as { cohortIndexRecovery?: RecoveryState };
const state = (): RecoveryState => (globalForRecovery.cohortIndexRecovery ??= { recovering: false, draining: false, again: false, started: false, runs: 0, lastMs: 0 });

const RETRY_MS = 250;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * True when reads may come from the index: its Redis answers, nothing is left to replay, and the live
 * channel's heartbeat is recent enough that no outage can have gone unnoticed.
 */
export function indexReadable(): boolean {
  const s = state();
  return !s.recovering && redisBreakers().cache?.state !== "open" && (s.lease?.fresh() ?? true);
}

/**
 * Whether reads may use the index, after waiting for the heartbeat when only its lease has run out (this
 * event loop was busy, or a ping is on its way): a short wait rather than a read from Postgres, which
 * may be away. Waits for nothing when the index is suspect, its breaker open or Redis known to be silent.
 */
export async function indexReadableSoon(): Promise<boolean> {
  if (indexReadable()) return true;
  const s = state();
  if (s.recovering || redisBreakers().cache?.state === "open" || !s.lease) return false;
  await s.lease.renewal();
  return indexReadable();
}

/** Reads use the index only while the lease holds (null: no heartbeat, as in a one-off script). */
export function setIndexLease(lease: Pick<SubscriptionWatch, "fresh" | "renewal"> | null): void {
  state().lease = lease ?? undefined;
}

export function indexRecoveryStats(): { recovering: boolean; runs: number; lastMs: number } {
  const { recovering, runs, lastMs } = state();
  return { recovering, runs, lastMs };
}

async function drain(): Promise<void> {
  const s = state();
  // One replay at a time; a suspicion raised during it (a write committed after its last pass read the
  // outbox) makes it go round once more rather than end and let reads back too early.
  if (s.draining) {
    s.again = true;
    return;
  }
  s.draining = true;
  const started = Date.now();
  try {
    do {
      s.again = false;
      for (;;) {
        if (redisBreakers().cache?.state === "open") return; // away again: the next close starts over
        try {
          // Every row, young ones too: replaying an in-flight write-through is harmless (it is idempotent).
          while ((await reconcileOutbox({ olderThanMs: 0, limit: 500 })) > 0);
          break;
        } catch (error) {
          logger().debug({ err: error }, "index recovery pass failed; retrying");
          await sleep(RETRY_MS);
        }
      }
    } while (s.again);
    s.recovering = false;
    s.runs += 1;
    s.lastMs = Date.now() - started;
    logger().info({ ms: s.lastMs }, "index recovered: outbox replayed, reads use the index again");
  } finally {
    s.draining = false;
  }
}

/** Reads stay off the index from now until `recoverIndex()` has replayed the outbox. */
export function markIndexSuspect(reason: string): void {
  const s = state();
  if (!s.recovering) logger().warn({ reason }, "the cache may have missed writes: reads avoid the index until it has caught up");
  s.recovering = true;
  if (s.draining) s.again = true;
}

/** Replays the outbox, then lets reads use the index again (when it was marked suspect). */
export function recoverIndex(): void {
  if (state().recovering) void drain();
}

/**
 * Watches the cache breaker (once per process): open marks the index suspect, close replays the outbox.
 * The live-channel listener reports its silences the same way (markIndexSuspect / recoverIndex): an
 * instance that sent no command while Redis hung learns of it there.
 */
export function startIndexRecovery(): void {
  const s = state();
  if (s.started) return;
  s.started = true;
  onBreakerChange((name, breaker) => {
    if (name !== "cohort-cache") return;
    if (breaker === "open") markIndexSuspect("the cache's circuit opened");
    else recoverIndex();
  });
}
