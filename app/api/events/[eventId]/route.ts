import { z } from "zod";
import { recordAudit } from "@/lib/audit/record";
import { authorizeRequest } from "@/lib/auth/authorize";
import { badRequest, notFound } from "@/lib/errors";
import { deleteEvent } from "@/lib/events/delete-event";
import { getEvent } from "@/lib/events/get-event";
import { updateEvent } from "@/lib/events/update-event";
import { clientIp } from "@/lib/http/client-ip";
import { handle, json } from "@/lib/http/respond";

export const dynamic = "force-dynamic";

/** Only staff and admins change events: patients get 403 before any lookup. */
const STAFF = ["admin", "staff"] as const;

type Context = { params: Promise<{ eventId: string }> };

/** A malformed id cannot name an event: 404 like an unknown or foreign one. */
async function eventIdOf(context: Context): Promise<string> {
  const { eventId } = await context.params;
  if (!z.uuid().safeParse(eventId).success) throw notFound("Event");
  return eventId;
}

async function jsonBody(request: Request, optional = false): Promise<Record<string, unknown>> {
  const text = await request.text();
  if (!text.trim() && optional) return {};
  try {
    const body: unknown = JSON.parse(text);
    if (body && typeof body === "object" && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw badRequest("The body must be a JSON object");
}

export const GET = handle<Context>(async (request, context) => {
  const actor = await authorizeRequest(request);
  const event = await getEvent(actor, await eventIdOf(context));
  await recordAudit(actor, { action: "event.read", eventId: event.id, patientIds: event.patientIds, ip: clientIp(request) });
  return json(event);
});

export const PATCH = handle<Context>(async (request, context) => {
  const actor = await authorizeRequest(request, { mutation: true, roles: STAFF });
  const eventId = await eventIdOf(context);
  // The patients before the change are affected too (an appointment moved to someone else).
  const before = await getEvent(actor, eventId);
  const event = await updateEvent(actor, eventId, await jsonBody(request));
  await recordAudit(actor, {
    action: "event.update",
    eventId,
    patientIds: [...before.patientIds, ...event.patientIds],
    ip: clientIp(request),
    details: event.id === eventId ? {} : { newSeriesId: event.id },
  });
  return json(event);
});

/** `?scope=&occurrenceStart=[&version=]`, or the same in a JSON body. */
export const DELETE = handle<Context>(async (request, context) => {
  const actor = await authorizeRequest(request, { mutation: true, roles: STAFF });
  const eventId = await eventIdOf(context);
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const before = await getEvent(actor, eventId);
  await deleteEvent(actor, eventId, { ...(await jsonBody(request, true)), ...params });
  await recordAudit(actor, {
    action: "event.delete",
    eventId,
    patientIds: before.patientIds,
    ip: clientIp(request),
    details: { scope: typeof params.scope === "string" ? params.scope : null },
  });
  return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
});
