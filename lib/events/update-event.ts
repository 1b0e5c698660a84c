import "server-only";
import { eq, sql } from "drizzle-orm";
import { requireStaff, type Actor } from "@/lib/auth/actor";
import { assertNoClosures } from "@/lib/closures/closure-warnings";
import { events } from "@/lib/db/schema";
import { badRequest } from "@/lib/errors";
import { copyEventReminders, eventReminderMinutes, saveEventReminders } from "@/lib/reminders/settings";
import { assertAssignable } from "@/lib/resources/assign";
import { schedulingTransaction } from "@/lib/resources/booking-guard";
import { bookingReach, extendSeriesHolding, reachResourceBookings } from "@/lib/resources/reach";
import { addDays, localDate, moveLikeOccurrence, zonedInstant } from "@/lib/time/zones";
import { parseInput, patchEventSchema, resolveTimes, validateRrule } from "./event-input";
import {
  assertPatientsInOrg,
  loadEventForUpdate,
  rematerialize,
  replaceExceptions,
  replacePatients,
  versionConflict,
  type LoadedEvent,
  type Tx,
} from "./event-store";
import { findConflicts, schedulingConflict } from "./find-conflicts";
import { toDetail, withReminders } from "./get-event";
import { syncEventAfterCommit } from "./index/sync-event";
import type { EventRow, ExceptionRow } from "./materialize";
import { assertOccurrence, isOccurrenceOf, requireScope } from "./occurrence-slot";
import { splitRrule } from "./recurrence";
import { carryStatuses } from "./status-carry";
import type { EventDetail } from "./types";

type Patch = ReturnType<typeof parsePatch>;
const parsePatch = (input: unknown) => parseInput(patchEventSchema, input);

/**
 * `PATCH /api/events/:id`, with Google Calendar's scopes for recurring events: `this` (an exception),
 * `following` (split the series; answers with the new series) and `all` (exceptions whose occurrence
 * still exists are kept, moved along when the series' time changes).
 */
export async function updateEvent(actor: Actor, eventId: string, input: unknown): Promise<EventDetail> {
  requireStaff(actor, "Only clinic staff can change appointments");
  const patch = parsePatch(input);
  if ((patch.start === undefined) !== (patch.end === undefined)) throw badRequest("start and end must be changed together");
  if ((patch.allDay !== undefined || patch.timeZone !== undefined) && patch.start === undefined) {
    throw badRequest("Changing allDay or timeZone needs start and end as well");
  }

  const reach = await bookingReach(actor.orgId, eventId, patch);
  if (reach) await extendSeriesHolding(actor.orgId, reach.resourceIds, reach.until);

  const { detail, touched } = await schedulingTransaction(actor.orgId, actor.timeZone, async (tx) => {
    const loaded = await loadEventForUpdate(tx, actor.orgId, eventId, patch.version);
    if (patch.version !== undefined && patch.version !== loaded.event.version) throw versionConflict(loaded.event.version);
    if (patch.patientIds) await assertPatientsInOrg(tx, actor.orgId, patch.patientIds);
    await assertAssignable(tx, actor.orgId, patch);

    let result: LoadedEvent;
    let changed: string[];
    if (!loaded.event.rrule) {
      result = await editAll(tx, loaded, patch, null);
      changed = [eventId];
    } else {
      const { scope, occurrence } = requireScope(patch.scope, patch.occurrenceStart, patch.scope !== "all");
      if (occurrence) assertOccurrence(loaded, occurrence);
      if (scope === "this") {
        result = await editThis(tx, loaded, patch, occurrence!);
        changed = [eventId];
      } else if (scope === "all" || occurrence!.getTime() <= loaded.event.startAt.getTime()) {
        result = await editAll(tx, loaded, patch, occurrence);
        changed = [eventId];
      } else {
        result = await editFollowing(tx, loaded, patch, occurrence!);
        changed = [eventId, result.event.id];
      }
    }
    const extended = await reachResourceBookings(tx, changed);
    const reschedules = ["start", "end", "patientIds", "rrule", "allDay", "timeZone"].some((k) => k in patch);
    if (reschedules && !patch.allowConflicts) {
      const conflicts = await findConflicts(tx, changed, actor.timeZone);
      if (conflicts.length) throw schedulingConflict(conflicts);
    }
    if (reschedules || patch.clinicianId || patch.roomId) await assertNoClosures(tx, actor, changed, patch.allowClosures);
    const detail = withReminders(toDetail(result.event, result.patientIds, result.exceptions), await eventReminderMinutes(actor.orgId, result.event.id, tx));
    return { detail, touched: [...new Set([...changed, ...extended])] };
  });
  for (const id of touched) await syncEventAfterCommit(actor.orgId, id);
  return detail;
}

/** The series' (or single event's) new first-occurrence times, when the patch moves it. */
function movedTimes(event: EventRow, patch: Patch, reference: Date | null): { startAt: Date; endAt: Date } | null {
  if (patch.start === undefined || patch.end === undefined) return null;
  const allDay = patch.allDay ?? event.allDay;
  const timeZone = patch.timeZone ?? event.timeZone;
  const target = resolveTimes({ start: patch.start, end: patch.end, allDay, timeZone });
  if (!reference || !event.rrule) return target;
  // The edited occurrence moved from `reference` to `target`: the series' first occurrence moves alike.
  const startAt = moveLikeOccurrence(event.startAt, reference, target.startAt, timeZone);
  if (!allDay) return { startAt, endAt: new Date(startAt.getTime() + target.endAt.getTime() - target.startAt.getTime()) };
  const days = Math.round((target.endAt.getTime() - target.startAt.getTime()) / 86_400_000);
  return { startAt, endAt: zonedInstant(addDays(localDate(startAt, timeZone), days), "00:00", timeZone) };
}

function editedFields(event: EventRow, patch: Patch) {
  return {
    title: patch.title ?? event.title,
    description: patch.description !== undefined ? patch.description : event.description,
    location: patch.location !== undefined ? patch.location : event.location,
    allDay: patch.allDay ?? event.allDay,
    timeZone: patch.timeZone ?? event.timeZone,
    clinicianId: patch.clinicianId !== undefined ? patch.clinicianId : event.clinicianId,
    roomId: patch.roomId !== undefined ? patch.roomId : event.roomId,
    typeId: patch.typeId !== undefined ? patch.typeId : event.typeId,
  };
}

async function editAll(tx: Tx, loaded: LoadedEvent, patch: Patch, reference: Date | null): Promise<LoadedEvent> {
  const { event } = loaded;
  const times = movedTimes(event, patch, reference);
  const rrule = patch.rrule !== undefined ? validateRrule(patch.rrule) : event.rrule;
  const [updated] = await tx
    .update(events)
    .set({ ...editedFields(event, patch), ...(times ?? {}), rrule, version: sql`${events.version} + 1` })
    .where(eq(events.id, event.id))
    .returning();
  // Exceptions move with their occurrences; those whose occurrence no longer exists go.
  const exceptions = rrule
    ? loaded.exceptions
        .map((x) => (times ? { ...x, originalStart: moveLikeOccurrence(x.originalStart, event.startAt, times.startAt, updated!.timeZone) } : x))
        .filter((x) => isOccurrenceOf(updated!, x.originalStart))
    : [];
  // Statuses move with their occurrences as exceptions do (a single event's one slot is its start).
  await carryStatuses(tx, event.id, (at) => {
    if (!rrule) return at.getTime() === (reference ?? event.startAt).getTime() ? { eventId: event.id, originalStart: updated!.startAt } : null;
    const moved = times ? moveLikeOccurrence(at, event.startAt, times.startAt, updated!.timeZone) : at;
    return isOccurrenceOf(updated!, moved) ? { eventId: event.id, originalStart: moved } : null;
  });
  const patientIds = patch.patientIds ? [...new Set(patch.patientIds)] : loaded.patientIds;
  if (patch.patientIds) await replacePatients(tx, event.id, patientIds);
  if (patch.reminders !== undefined) await saveEventReminders(tx, event.orgId, event.id, patch.reminders);
  await replaceExceptions(tx, event.id, exceptions);
  const next = { event: updated!, patientIds, exceptions };
  return { ...next, event: await rematerialize(tx, next) };
}

async function editThis(tx: Tx, loaded: LoadedEvent, patch: Patch, occurrence: Date): Promise<LoadedEvent> {
  const { event } = loaded;
  if (patch.rrule !== undefined || patch.allDay !== undefined || patch.timeZone !== undefined) {
    throw badRequest("rrule, allDay and timeZone apply to the whole series: use scope following or all");
  }
  if (patch.reminders !== undefined) throw badRequest("reminders apply to the whole series: use scope following or all");
  const existing = loaded.exceptions.find((x) => x.originalStart.getTime() === occurrence.getTime());
  const times =
    patch.start !== undefined && patch.end !== undefined
      ? resolveTimes({ start: patch.start, end: patch.end, allDay: event.allDay, timeZone: event.timeZone })
      : null;
  const exception: ExceptionRow = {
    originalStart: occurrence,
    cancelled: false,
    startAt: times?.startAt ?? existing?.startAt ?? null,
    endAt: times?.endAt ?? existing?.endAt ?? null,
    title: patch.title ?? existing?.title ?? null,
    description: patch.description !== undefined ? patch.description : (existing?.description ?? null),
    location: patch.location !== undefined ? patch.location : (existing?.location ?? null),
    patientIds: patch.patientIds ? [...new Set(patch.patientIds)] : (existing?.patientIds ?? null),
    clinicianId: patch.clinicianId ?? existing?.clinicianId ?? null,
    roomId: patch.roomId ?? existing?.roomId ?? null,
    typeId: patch.typeId ?? existing?.typeId ?? null,
  };
  const exceptions = [...loaded.exceptions.filter((x) => x !== existing), exception];
  await replaceExceptions(tx, event.id, exceptions);
  const [updated] = await tx.update(events).set({ version: sql`${events.version} + 1` }).where(eq(events.id, event.id)).returning();
  const next = { event: updated!, patientIds: loaded.patientIds, exceptions };
  return { ...next, event: await rematerialize(tx, next) };
}

async function editFollowing(tx: Tx, loaded: LoadedEvent, patch: Patch, occurrence: Date): Promise<LoadedEvent> {
  const { event } = loaded;
  const { head, tail } = splitRrule(event.rrule!, {
    seriesStart: event.startAt,
    occurrenceStart: occurrence,
    timeZone: event.timeZone,
    allDay: event.allDay,
  });
  // The old series ends before the occurrence; it keeps the exceptions before it.
  const before = loaded.exceptions.filter((x) => x.originalStart < occurrence);
  const [old] = await tx
    .update(events)
    .set({ rrule: head, version: sql`${events.version} + 1` })
    .where(eq(events.id, event.id))
    .returning();
  await replaceExceptions(tx, event.id, before);
  await rematerialize(tx, { event: old!, patientIds: loaded.patientIds, exceptions: before });

  // The new series starts at the occurrence (or where the edit moves it) and takes the rest.
  const slot = { startAt: occurrence, endAt: new Date(occurrence.getTime() + event.endAt.getTime() - event.startAt.getTime()) };
  const times = movedTimes({ ...event, ...slot, rrule: null }, patch, null) ?? slot;
  const rrule = patch.rrule !== undefined ? validateRrule(patch.rrule) : tail;
  const [created] = await tx
    .insert(events)
    .values({ ...editedFields(event, patch), orgId: event.orgId, ...times, rrule, splitFromId: event.id, revision: 0, createdBy: event.createdBy })
    .returning();
  const patientIds = patch.patientIds ? [...new Set(patch.patientIds)] : loaded.patientIds;
  await replacePatients(tx, created!.id, patientIds);
  // The new series keeps the old one's reminders unless the edit sets its own.
  if (patch.reminders !== undefined) await saveEventReminders(tx, event.orgId, created!.id, patch.reminders);
  else await copyEventReminders(tx, event.id, created!.id);
  const exceptions = rrule
    ? loaded.exceptions
        .filter((x) => x.originalStart >= occurrence)
        .map((x) => ({ ...x, originalStart: moveLikeOccurrence(x.originalStart, occurrence, times.startAt, created!.timeZone) }))
        .filter((x) => isOccurrenceOf(created!, x.originalStart))
    : [];
  await replaceExceptions(tx, created!.id, exceptions);
  await carryStatuses(tx, event.id, (at) => {
    if (at < occurrence) return { eventId: event.id, originalStart: at };
    if (!rrule) return at.getTime() === occurrence.getTime() ? { eventId: created!.id, originalStart: times.startAt } : null;
    const moved = moveLikeOccurrence(at, occurrence, times.startAt, created!.timeZone);
    return isOccurrenceOf(created!, moved) ? { eventId: created!.id, originalStart: moved } : null;
  });
  const next = { event: created!, patientIds, exceptions };
  return { ...next, event: await rematerialize(tx, next) };
}
