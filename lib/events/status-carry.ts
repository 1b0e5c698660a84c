import "server-only";
import { eq } from "drizzle-orm";
import { occurrenceStatuses } from "@/lib/db/schema";
import type { Tx } from "./event-store";

export interface StatusSlot {
  eventId: string;
  originalStart: Date;
}

/**
 * Statuses are keyed by (event, original start) like exceptions, so an edit that moves the slots of a
 * series (a new time for `all`, a `following` split, a moved single event) moves them too, or they would
 * be orphaned. `map` gives each status of `eventId` its new slot, possibly in another event (a split), or
 * null when its slot no longer exists (the status goes). Call it before re-materialising.
 */
export async function carryStatuses(tx: Tx, eventId: string, map: (originalStart: Date) => StatusSlot | null): Promise<void> {
  const rows = await tx.select().from(occurrenceStatuses).where(eq(occurrenceStatuses.eventId, eventId));
  const moved = rows.flatMap((row) => {
    const slot = map(row.originalStart);
    return slot ? [{ ...row, ...slot }] : [];
  });
  const same = (a: StatusSlot, b: StatusSlot) => a.eventId === b.eventId && a.originalStart.getTime() === b.originalStart.getTime();
  if (moved.length === rows.length && moved.every((m, i) => same(m, rows[i]!))) return;
  await tx.delete(occurrenceStatuses).where(eq(occurrenceStatuses.eventId, eventId));
  if (moved.length) await tx.insert(occurrenceStatuses).values(moved).onConflictDoNothing();
}
