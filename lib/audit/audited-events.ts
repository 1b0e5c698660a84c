import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { db } from "@/lib/db/client";
import { createEvent } from "@/lib/events/create-event";
import { deleteEvent, type DeleteRequest } from "@/lib/events/delete-event";
import { setOccurrenceStatus, type StatusChange } from "@/lib/events/status";
import { getEvent } from "@/lib/events/get-event";
import type { EventDetail } from "@/lib/events/types";
import { updateEvent } from "@/lib/events/update-event";
import { hashToken } from "@/lib/ics/tokens";
import { auditEntry, auditInsert, recordAudit } from "./record";

/**
 * The event operations with their audit entries, for route handlers and server actions alike: the same
 * calls as lib/events, each recorded (who, which event, which patients, from where) once it succeeded.
 */
export async function createEventAudited(actor: Actor, input: unknown, ip: string): Promise<EventDetail> {
  // The entry commits in the create's own transaction and round trip (no stream write after the commit).
  return createEvent(actor, input, (event) => [
    auditInsert([auditEntry(actor, { action: "event.create", eventId: event.id, patientIds: event.patientIds, ip })]),
  ]);
}

export async function readEventAudited(actor: Actor, eventId: string, ip: string): Promise<EventDetail> {
  const event = await getEvent(actor, eventId);
  await recordAudit(actor, { action: "event.read", eventId: event.id, patientIds: event.patientIds, ip });
  return event;
}

/** The patients before the change are affected too (an appointment moved to someone else). */
export async function updateEventAudited(actor: Actor, eventId: string, patch: unknown, ip: string): Promise<EventDetail> {
  const before = await getEvent(actor, eventId);
  const event = await updateEvent(actor, eventId, patch);
  await recordAudit(actor, {
    action: "event.update",
    eventId,
    patientIds: [...before.patientIds, ...event.patientIds],
    ip,
    details: event.id === eventId ? {} : { newSeriesId: event.id },
  });
  return event;
}

export async function deleteEventAudited(actor: Actor, eventId: string, request: DeleteRequest, ip: string): Promise<void> {
  const before = await getEvent(actor, eventId);
  await deleteEvent(actor, eventId, request);
  await recordAudit(actor, {
    action: "event.delete",
    eventId,
    patientIds: before.patientIds,
    ip,
    details: { scope: typeof request.scope === "string" ? request.scope : null },
  });
}

/** An occurrence's status changed (issue 11): the statuses go in, never the cancellation's reason. */
export async function setStatusAudited(actor: Actor, eventId: string, input: unknown, ip: string): Promise<StatusChange> {
  const change = await setOccurrenceStatus(actor, eventId, input);
  const event = await getEvent(actor, eventId);
  await recordAudit(actor, {
    action: "event.status",
    eventId,
    patientIds: event.patientIds,
    ip,
    details: { occurrenceStart: change.originalStart, status: change.status, previous: change.previous },
  });
  return change;
}

/** A calendar client fetched a patient's private ICS feed: no user, the token stands for the patient. */
export async function auditIcsRead(token: string, ip: string): Promise<void> {
  const [row] = await db().$sql<{ patient_id: string; org_id: string }[]>`
    SELECT t.patient_id, p.org_id FROM calendar_tokens t JOIN patients p ON p.id = t.patient_id
    WHERE t.token_hash = ${hashToken(token)}`;
  if (!row) return;
  await recordAudit({ userId: null, orgId: row.org_id, role: "ics" }, { action: "ics.read", patientIds: [row.patient_id], ip });
}
