import "server-only";
import { writeTransaction } from "@/lib/reliability/deadline";
import { requireStaff, type Actor } from "@/lib/auth/actor";
import { eventPatients, events } from "@/lib/db/schema";
import { saveEventReminders } from "@/lib/reminders/settings";
import { createEventSchema, parseInput, resolveTimes, validateRrule } from "./event-input";
import { assertPatientsInOrg, rematerialize } from "./event-store";
import { findConflicts, schedulingConflict } from "./find-conflicts";
import { toDetail } from "./get-event";
import { syncEventAfterCommit } from "./index/sync-event";
import type { EventDetail } from "./types";

/** Creates a single event or a series (`POST /api/events`, the calendar's create action). */
export async function createEvent(actor: Actor, input: unknown): Promise<EventDetail> {
  requireStaff(actor, "Only clinic staff can change appointments");
  const data = parseInput(createEventSchema, input);
  const { startAt, endAt } = resolveTimes(data);
  const rrule = validateRrule(data.rrule);
  const patientIds = [...new Set(data.patientIds)];

  const detail = await writeTransaction(async (tx) => {
    await assertPatientsInOrg(tx, actor.orgId, patientIds);
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
        revision: 0,
        createdBy: actor.userId,
      })
      .returning();
    await tx.insert(eventPatients).values(patientIds.map((patientId) => ({ eventId: inserted!.id, patientId })));
    if (data.reminders) await saveEventReminders(tx, actor.orgId, inserted!.id, data.reminders);
    const event = await rematerialize(tx, { event: inserted!, patientIds, exceptions: [] });
    if (!data.allowConflicts) {
      const conflicts = await findConflicts(tx, [event.id], actor.timeZone);
      if (conflicts.length) throw schedulingConflict(conflicts);
    }
    return toDetail(event, patientIds, []);
  });
  await syncEventAfterCommit(actor.orgId, detail.id);
  return detail;
}
