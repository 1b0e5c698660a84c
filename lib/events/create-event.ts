import "server-only";
import { randomUUID } from "node:crypto";
import { requireStaff, type Actor } from "@/lib/auth/actor";
import { closureConflict, closuresWaived, closureWarnings, closureWarningsQuery } from "@/lib/closures/closure-warnings";
import { pipeline, rowsOrThrow, type Statement } from "@/lib/db/pipeline";
import { notFound } from "@/lib/errors";
import { assertAssignable } from "@/lib/resources/assign";
import { schedulingTransaction } from "@/lib/resources/booking-guard";
import { extendSeriesHolding, reachResourceBookings } from "@/lib/resources/reach";
import { saveEventReminders } from "@/lib/reminders/settings";
import { createEventSchema, parseInput, resolveTimes, validateRrule } from "./event-input";
import { initialUntil, newEventStatements, patientsInOrg, seriesEndOf } from "./event-store";
import { conflictsQuery, schedulingConflict } from "./find-conflicts";
import { toDetail, withReminders } from "./get-event";
import { horizonFrom } from "./horizon";
import { syncEventAfterCommit, syncRead, type SyncRow } from "./index/sync-event";
import type { EventRow } from "./materialize";
import type { EventDetail, SchedulingConflict } from "./types";

/** Statements to commit with a new event (its audit entry), built once its id and patients are known. */
export type CommitAlongside = (event: { id: string; patientIds: string[] }) => Statement[];

/** Creates a single event or a series (`POST /api/events`, the calendar's create action). */
export async function createEvent(actor: Actor, input: unknown, alongside?: CommitAlongside): Promise<EventDetail> {
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

  const now = new Date();
  const event: EventRow = {
    id: randomUUID(),
    orgId: actor.orgId,
    title: data.title,
    description: data.description ?? null,
    location: data.location ?? null,
    startAt,
    endAt,
    allDay: data.allDay,
    timeZone: data.timeZone,
    rrule,
    splitFromId: null,
    ...assignment,
    materializedUntil: rrule ? initialUntil(startAt) : null,
    seriesEnd: seriesEndOf({ rrule, startAt, endAt, timeZone: data.timeZone, allDay: data.allDay }),
    version: 1,
    revision: 1,
    createdBy: actor.userId,
    createdAt: now,
    updatedAt: now,
  };
  // Only a series holding a clinician or room can reach into other bookings; reminders need the event row.
  const reaches = Boolean(rrule && (assignment.clinicianId || assignment.roomId));
  const stepwise = reaches || Boolean(data.reminders);

  const { extended, synced } = await schedulingTransaction(actor.orgId, actor.timeZone, async (tx) => {
    if (assignment.clinicianId || assignment.roomId || assignment.typeId) await assertAssignable(tx, actor.orgId, assignment);
    // The statements go out together (lib/db/pipeline): one round trip for the writes, the checks that
    // read them and the index work the write-through will apply, instead of one each.
    const checks: Statement[] = [
      ...(data.allowConflicts ? [] : [conflictsQuery([event.id], actor.timeZone)]),
      ...(closuresWaived(actor, data.allowClosures) ? [] : [closureWarningsQuery(actor.orgId, [event.id], actor.timeZone)]),
      (sql) => syncRead(sql, actor.orgId, event.id),
    ];
    const writes = [
      patientsInOrg(tx, actor.orgId, patientIds),
      ...newEventStatements(tx, event, patientIds),
      ...(alongside?.({ id: event.id, patientIds }) ?? []),
    ];
    let results = await pipeline(tx, stepwise ? writes : [...writes, ...checks]);
    // An unknown patient is a 404, whatever it made the later statements do.
    if (results[0]!.status === "fulfilled" && results[0]!.value.length !== patientIds.length) throw notFound("Patient");
    rowsOrThrow(results);
    let extended: string[] = [];
    if (stepwise) {
      if (data.reminders) await saveEventReminders(tx, actor.orgId, event.id, data.reminders);
      if (reaches) extended = await reachResourceBookings(tx, [event.id]);
      results = [...results, ...(await pipeline(tx, checks))];
    }
    const read = rowsOrThrow(results).slice(writes.length);
    const conflicts = data.allowConflicts ? [] : (read.shift() as unknown as SchedulingConflict[]);
    if (conflicts.length) throw schedulingConflict([...conflicts]);
    const closures = closuresWaived(actor, data.allowClosures) ? [] : closureWarnings(read.shift()!);
    if (closures.length) throw closureConflict(actor, closures);
    return { extended, synced: read.shift() as unknown as SyncRow[] };
  });
  await syncEventAfterCommit(actor.orgId, event.id, synced);
  for (const id of extended) if (id !== event.id) await syncEventAfterCommit(actor.orgId, id);
  return withReminders(toDetail(event, patientIds, []), data.reminders ? data.reminders.minutesBefore : null);
}
