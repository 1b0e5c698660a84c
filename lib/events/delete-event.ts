import "server-only";
import { writeTransaction } from "@/lib/reliability/deadline";
import { eq, sql } from "drizzle-orm";
import { requireStaff, type Actor } from "@/lib/auth/actor";
import { events } from "@/lib/db/schema";
import { deleteEventSchema, parseInput } from "./event-input";
import { loadEventForUpdate, rematerialize, removeEvent, replaceExceptions, versionConflict } from "./event-store";
import { syncEventAfterCommit } from "./index/sync-event";
import type { ExceptionRow } from "./materialize";
import { assertOccurrence, requireScope } from "./occurrence-slot";
import { carryStatuses } from "./status-carry";
import { truncateRruleBefore } from "./recurrence";

export interface DeleteRequest {
  scope?: string;
  occurrenceStart?: string;
  version?: number | string;
}

/**
 * `DELETE /api/events/:id`: a single event, or for a series `this` occurrence (cancelled), `following`
 * (the series ends before it) or `all`.
 */
export async function deleteEvent(actor: Actor, eventId: string, request: DeleteRequest): Promise<void> {
  requireStaff(actor, "Only clinic staff can change appointments");
  const input = parseInput(deleteEventSchema, request);
  await writeTransaction(async (tx) => {
    const loaded = await loadEventForUpdate(tx, actor.orgId, eventId, input.version);
    const { event } = loaded;
    if (input.version !== undefined && input.version !== event.version) throw versionConflict(event.version);
    if (!event.rrule) return removeEvent(tx, event);

    const { scope, occurrence } = requireScope(input.scope, input.occurrenceStart, input.scope !== "all");
    if (occurrence) assertOccurrence(loaded, occurrence);
    if (scope === "all" || occurrence!.getTime() <= event.startAt.getTime()) return removeEvent(tx, event);

    let exceptions: ExceptionRow[];
    let rrule = event.rrule;
    if (scope === "this") {
      const kept = loaded.exceptions.filter((x) => x.originalStart.getTime() !== occurrence!.getTime());
      exceptions = [...kept, { originalStart: occurrence!, cancelled: true, startAt: null, endAt: null, title: null, description: null, location: null, patientIds: null }];
    } else {
      rrule = truncateRruleBefore(event.rrule, occurrence!, event.timeZone, event.startAt, { allDay: event.allDay })!;
      exceptions = loaded.exceptions.filter((x) => x.originalStart < occurrence!);
      // The statuses of the occurrences that go, go with them.
      await carryStatuses(tx, event.id, (at) => (at < occurrence! ? { eventId: event.id, originalStart: at } : null));
    }
    await replaceExceptions(tx, event.id, exceptions);
    const [updated] = await tx
      .update(events)
      .set({ rrule, version: sql`${events.version} + 1` })
      .where(eq(events.id, event.id))
      .returning();
    await rematerialize(tx, { event: updated!, patientIds: loaded.patientIds, exceptions });
  });
  await syncEventAfterCommit(actor.orgId, eventId);
}
