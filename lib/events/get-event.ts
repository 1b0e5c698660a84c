import "server-only";
import { withDeadline } from "@/lib/reliability/deadline";
import { and, eq } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import { isStaff } from "@/lib/auth/actor";
import { db } from "@/lib/db/client";
import { eventExceptions, eventPatients, events } from "@/lib/db/schema";
import { notFound } from "@/lib/errors";
import { eventReminderMinutes } from "@/lib/reminders/settings";
import { localDate } from "@/lib/time/zones";
import type { EventRow, ExceptionRow } from "./materialize";
import { formatInZone } from "./time-zones";
import type { EventDetail } from "./types";

/** An event (series master) with its rule and exceptions; patients may read only their own events. */
export function getEvent(actor: Actor, eventId: string): Promise<EventDetail> {
  // Bounded: a Postgres that hangs gives a 503 rather than a request that never ends.
  return withDeadline(loadEvent(actor, eventId));
}

async function loadEvent(actor: Actor, eventId: string): Promise<EventDetail> {
  const [event] = await db()
    .select()
    .from(events)
    .where(and(eq(events.id, eventId), eq(events.orgId, actor.orgId)));
  if (!event) throw notFound("Event");
  const links = await db().select({ id: eventPatients.patientId }).from(eventPatients).where(eq(eventPatients.eventId, eventId));
  const patientIds = links.map((l) => l.id);
  if (!isStaff(actor) && !(actor.patientId && patientIds.includes(actor.patientId))) throw notFound("Event");
  const exceptions = await db().select().from(eventExceptions).where(eq(eventExceptions.eventId, eventId));
  const detail = toDetail(event, patientIds, exceptions, isStaff(actor) ? null : actor.patientId);
  if (!isStaff(actor)) return detail;
  return withReminders(detail, await eventReminderMinutes(actor.orgId, eventId));
}

/**
 * What staff see of an event: its detail with its own reminders (null: the organisation's defaults). GET
 * answers this, and so do create and update (read in their transaction): an edit answers with the event
 * as it now is, the same as reading it back.
 */
export function withReminders(detail: EventDetail, minutes: number[] | null): EventDetail {
  return { ...detail, reminders: minutes ? { minutesBefore: minutes } : null };
}

/** The contract's shape; `onlyPatient` hides the other members of a group session from a patient. */
export function toDetail(event: EventRow, patientIds: string[], exceptions: ExceptionRow[], onlyPatient: string | null = null): EventDetail {
  const time = (d: Date) => (event.allDay ? localDate(d, event.timeZone) : formatInZone(d.getTime(), event.timeZone));
  const visible = (ids: string[]) => (onlyPatient ? ids.filter((id) => id === onlyPatient) : ids);
  return {
    id: event.id,
    title: event.title,
    start: time(event.startAt),
    end: time(event.endAt),
    allDay: event.allDay,
    timeZone: event.timeZone,
    rrule: event.rrule,
    patientIds: visible(patientIds),
    description: event.description,
    location: event.location,
    version: event.version,
    clinicianId: event.clinicianId,
    roomId: event.roomId,
    typeId: event.typeId,
    exceptions: exceptions
      .sort((a, b) => a.originalStart.getTime() - b.originalStart.getTime())
      .map((x) => ({
        originalStart: formatInZone(x.originalStart.getTime(), event.timeZone),
        cancelled: x.cancelled,
        ...(x.startAt ? { start: time(x.startAt) } : {}),
        ...(x.endAt ? { end: time(x.endAt) } : {}),
        ...(x.title !== null ? { title: x.title } : {}),
        ...(x.description !== null ? { description: x.description } : {}),
        ...(x.location !== null ? { location: x.location } : {}),
        ...(x.patientIds ? { patientIds: visible(x.patientIds) } : {}),
        ...(x.clinicianId ? { clinicianId: x.clinicianId } : {}),
        ...(x.roomId ? { roomId: x.roomId } : {}),
        ...(x.typeId ? { typeId: x.typeId } : {}),
      })),
  };
}
