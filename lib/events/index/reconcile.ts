import "server-only";
import { db } from "@/lib/db/client";
import { logger } from "@/lib/logger";
import { recordOutboxReplayed } from "@/lib/metrics/instruments"; // ops metrics
import { redisBreakers } from "@/lib/redis/client";
import { syncEvent } from "./sync-event";

/**
 * Replays outbox rows that the write path could not clear (Redis away, the process died between commit
 * and write-through). Rows younger than `olderThanMs` are left to the write-through still in flight.
 */
export async function reconcileOutbox({ olderThanMs = 2000, limit = 200 } = {}): Promise<number> {
  const rows = await db().$sql<{ org_id: string; event_id: string }[]>`
    SELECT org_id, event_id FROM index_outbox
    WHERE created_at < now() - make_interval(secs => ${olderThanMs / 1000})
    GROUP BY org_id, event_id ORDER BY min(id) LIMIT ${limit}`;
  let synced = 0;
  for (const row of rows) {
    if (await syncEvent(row.org_id, row.event_id)) synced += 1;
    // Other instances (and this one) drop their hot windows when the publication arrives.
  }
  recordOutboxReplayed(synced); // ops metrics
  return synced;
}

const RECONCILE_EVERY_MS = 1000;
const globalForReconciler = globalThis as unknown as { cohortReconciler?: NodeJS.Timeout };

/** One reconciler loop per process; running it on several instances is safe (syncEvent is idempotent). */
export function startReconciler(): void {
  if (globalForReconciler.cohortReconciler) return;
  let running = false;
  globalForReconciler.cohortReconciler = setInterval(() => {
    // While the cache is away every pass would read Postgres only to fail at Redis: wait for it.
    if (running || redisBreakers().cache?.state === "open") return;
    running = true;
    reconcileOutbox()
      .catch((error: unknown) => logger().debug({ err: error }, "outbox reconcile pass failed"))
      .finally(() => {
        running = false;
      });
  }, RECONCILE_EVERY_MS);
  globalForReconciler.cohortReconciler.unref();
}

export function stopReconciler(): void {
  clearInterval(globalForReconciler.cohortReconciler);
  globalForReconciler.cohortReconciler = undefined;
}
