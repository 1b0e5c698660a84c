import "server-only";
import { requireStaff, type Actor } from "@/lib/auth/actor";
import { eventPatients, events } from "@/lib/db/schema";
import { assertNoClosures } from "@/lib/closures/closure-warnings";
import { assertAssignable } from "@/lib/resources/assign";
import { schedulingTransaction } from "@/lib/resources/booking-guard";
import { extendSeriesHolding, reachResourceBookings } from "@/lib/resources/reach";
import { saveEventReminders } from "@/lib/reminders/settings";
import { createEventSchema, parseInput, resolveTimes, validateRrule } from "./event-input";
import { assertPatientsInOrg, initialUntil, materializeNew, seriesEndOf } from "./event-store";
import { findConflicts, schedulingConflict } from "./find-conflicts";
import { toDetail, withReminders } from "./get-event";
import { horizonFrom } from "./horizon";
import { syncEventAfterCommit } from "./index/sync-event";
import type { EventDetail } from "./types";

/** Creates a single event or a series (`POST /api/events`, the calendar's create action). */
export async function createEvent(actor: Actor, input: unknown): Promise<EventDetail> {
  requireStaff(actor, "Only clinic staff can change appointments");
  const data = parseInput(createEventSchema, input);
  const { startAt, endAt } = resolveTimes(data);
  const rrule = validateRrule(data.rrule);
  const patientIds = [...new Set(data.patientIds)];
  const assignment = { clinicianId: data.clinicianId ?? null, roomId: data.roomId ?? null, typeId: data.typeId ?? null };
  // Series already holding the clinician or room must be materialised as far as this booking reaches.
  if (assignment.clinicianId || assignment.roomId) {
    const reach = rrule ? (seriesEndOf({ rrule, startAt, endAt, timeZone: data.timeZone, allDay: data.allDay }) ?? horizonFrom(new Date())) : endAt;
    await extendSeriesHolding(actor.orgId, [assignment.clinicianId, assignment.roomId], reach);
  }

  const { detail, extended } = await schedulingTransaction(actor.orgId, actor.timeZone, async (tx) => {
    await assertPatientsInOrg(tx, actor.orgId, patientIds);
    await assertAssignable(tx, actor.orgId, assignment);
    const [inserted] = await tx
      .insert(events)
      .values({
        orgId: actor.orgId,
        title: data.title,
        description: data.description ?? null,
        location: data.location ?? null,
        startAt,
        endAt,
        allDay: data.allDay,
        timeZone: data.timeZone,
        rrule,
        ...assignment,
        revision: 1,
        seriesEnd: seriesEndOf({ rrule, startAt, endAt, timeZone: data.timeZone, allDay: data.allDay }),
        materializedUntil: rrule ? initialUntil(startAt) : null,
        createdBy: actor.userId,
      })
      .returning();
    const event = inserted!;
    await tx.insert(eventPatients).values(patientIds.map((patientId) => ({ eventId: event.id, patientId })));
    if (data.reminders) await saveEventReminders(tx, actor.orgId, event.id, data.reminders);
    await materializeNew(tx, event, patientIds);
    // Only a series holding a clinician or room can reach into other bookings.
    const extended = rrule && (assignment.clinicianId || assignment.roomId) ? await reachResourceBookings(tx, [event.id]) : [];
    if (!data.allowConflicts) {
      const conflicts = await findConflicts(tx, [event.id], actor.timeZone);
      if (conflicts.length) throw schedulingConflict(conflicts);
    }
    await assertNoClosures(tx, actor, [event.id], data.allowClosures);
    return { detail: withReminders(toDetail(event, patientIds, []), data.reminders ? data.reminders.minutesBefore : null), extended };
  });
  await syncEventAfterCommit(actor.orgId, detail.id);
  for (const id of extended) if (id !== detail.id) await syncEventAfterCommit(actor.orgId, id);
  return detail;
}
