/**
 * Counters of this process's reminder work, as plain functions that metrics and the System page can
 * read (no I/O, no metrics library here). `reminderHealth()` in ./health adds the shared picture
 * (stream backlog, lag, dead letters) from Redis and Postgres.
 */
import type { Outcome } from "./deliver";

export interface ReminderCounters {
  /** Stream messages handled, by outcome (sent, retry, dead, skipped, dropped, busy, done, later). */
  outcomes: Record<Outcome, number>;
  /** Members moved from schedules into the stream. */
  moved: number;
  /** Messages taken over from consumers that stopped acknowledging (XAUTOCLAIM). */
  reclaimed: number;
  /** Reminders (re)scheduled by passes over Postgres. */
  scheduled: number;
  /** Passes, moves or reads that failed (Redis or Postgres away). */
  loopErrors: number;
  /** Due time to SMTP acceptance of the last delivered reminder, and the largest seen (ms). */
  lastLagMs: number | null;
  maxLagMs: number;
}

const globalForStats = globalThis as unknown as { cohortReminderStats?: ReminderCounters };

function fresh(): ReminderCounters {
  return {
    outcomes: { sent: 0, retry: 0, dead: 0, skipped: 0, dropped: 0, busy: 0, done: 0, later: 0 },
    moved: 0,
    reclaimed: 0,
    scheduled: 0,
    loopErrors: 0,
    lastLagMs: null,
    maxLagMs: 0,
  };
}

function state(): ReminderCounters {
  globalForStats.cohortReminderStats ??= fresh();
  return globalForStats.cohortReminderStats;
}

/** A snapshot of this process's counters since it started. */
export function reminderCounters(): ReminderCounters {
  const s = state();
  return { ...s, outcomes: { ...s.outcomes } };
}

export function countReminder(outcome: Outcome): void {
  state().outcomes[outcome] += 1;
}

export function countWork(kind: "moved" | "reclaimed" | "scheduled" | "loopErrors", n = 1): void {
  state()[kind] += n;
}

export function noteDeliveryLag(ms: number): void {
  const s = state();
  s.lastLagMs = Math.max(0, ms);
  s.maxLagMs = Math.max(s.maxLagMs, s.lastLagMs);
}
