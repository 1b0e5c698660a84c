import "server-only";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { Tx } from "@/lib/events/event-store";

/**
 * Postgres enforces the statement timeout itself, but a server that hangs (frozen, a dead network path)
 * enforces nothing: these deadlines bound what a request waits for Postgres on the client side.
 */
const unavailable = () => new AppError("unavailable", "The database is not answering; try again shortly");

/** The deadline of a request's Postgres work: the statement timeout (0 disables both). */
export const databaseDeadlineMs = () => env().DB_STATEMENT_TIMEOUT_MS;

/** Resolves as `work` does, or rejects with `unavailable` after `ms` (the work itself goes on). */
export function withDeadline<T>(work: Promise<T>, ms = databaseDeadlineMs(), onExpire?: () => boolean): Promise<T> {
  if (ms <= 0) return work;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      // onExpire may decline (the work has reached a point where its outcome must be awaited).
      if (onExpire && !onExpire()) return;
      reject(unavailable());
    }, ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * A write transaction with a deadline that never lies: when it passes before the transaction body has
 * finished, the caller gets 503 and the body, whenever Postgres answers again, ends in a rollback (it
 * checks the flag before returning, so COMMIT is never sent). Once COMMIT is on its way the outcome is
 * awaited whatever the time: a write that may have been applied is never reported as failed.
 */
export function writeTransaction<T>(body: (tx: Tx) => Promise<T>): Promise<T> {
  let expired = false;
  let committing = false;
  const run = db().transaction(async (tx) => {
    const result = await body(tx);
    if (expired) throw unavailable();
    committing = true;
    return result;
  });
  const bounded = withDeadline(run, databaseDeadlineMs(), () => {
    if (committing) return false;
    expired = true;
    return true;
  });
  // The late rollback of an expired transaction has nobody waiting for it.
  run.catch(() => {});
  return bounded;
}
