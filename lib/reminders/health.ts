import "server-only";
import { db } from "@/lib/db/client";
import { brokerBacklog } from "./broker";
import { iso } from "./sql-time";
import { reminderCounters, type ReminderCounters } from "./stats";

/**
 * Everything an operator needs to know about reminders, for metrics and the System page (all
 * organisations): this process's counters, what waits in Redis, how late the oldest due reminder is,
 * and the ledger's last 24 hours. Parts that cannot be read (Redis or Postgres away) are null.
 */
export interface ReminderHealth {
  counters: ReminderCounters;
  /** Messages in the delivery stream (not yet acknowledged). */
  streamLength: number | null;
  /** Messages handed to a consumer and not acknowledged (in flight, or their consumer died). */
  pending: number | null;
  /** How long the oldest due reminder has waited to be handed to the stream (0 when none waits). */
  lagMs: number | null;
  /** Ledger, reminders due in the last 24 hours: delivered, waiting for a retry, dead-lettered. */
  last24h: { sent: number; retrying: number; dead: number } | null;
}

export async function reminderHealth(now = Date.now()): Promise<ReminderHealth> {
  const [backlog, ledger] = await Promise.all([
    brokerBacklog(now).catch(() => null),
    db()
      .$sql<{ sent: number; retrying: number; dead: number }[]>`
        SELECT count(*) FILTER (WHERE status = 'sent')::int AS sent, count(*) FILTER (WHERE status = 'failed')::int AS retrying,
               count(*) FILTER (WHERE status = 'dead')::int AS dead
        FROM reminder_deliveries WHERE due_at > ${iso(now - 86_400_000)}`
      .then((rows) => rows[0] ?? null)
      .catch(() => null),
  ]);
  return {
    counters: reminderCounters(),
    streamLength: backlog?.stream ?? null,
    pending: backlog?.pending ?? null,
    lagMs: backlog ? (backlog.oldestDueMs === null ? 0 : Math.max(0, now - backlog.oldestDueMs)) : null,
    last24h: ledger,
  };
}
