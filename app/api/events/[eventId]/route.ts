import { z } from "zod";
import { getActor } from "@/lib/auth/get-actor";
import { badRequest, notFound } from "@/lib/errors";
import { deleteEvent } from "@/lib/events/delete-event";
import { getEvent } from "@/lib/events/get-event";
import { updateEvent } from "@/lib/events/update-event";
import { handle, json } from "@/lib/http/respond";

export const dynamic = "force-dynamic";

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

export const GET = handle<Context>(async (_request, context) => {
  const actor = await getActor();
  return json(await getEvent(actor, await eventIdOf(context)));
});

export const PATCH = handle<Context>(async (request, context) => {
  const actor = await getActor();
  const eventId = await eventIdOf(context);
  return json(await updateEvent(actor, eventId, await jsonBody(request)));
});

/** `?scope=&occurrenceStart=[&version=]`, or the same in a JSON body. */
export const DELETE = handle<Context>(async (request, context) => {
  const actor = await getActor();
  const eventId = await eventIdOf(context);
  const params = Object.fromEntries(new URL(request.url).searchParams);
  await deleteEvent(actor, eventId, { ...(await jsonBody(request, true)), ...params });
  return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
});
