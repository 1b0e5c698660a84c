import { z } from "zod";
import { deleteEventAudited, readEventAudited, updateEventAudited } from "@/lib/audit/audited-events";
import { authorizeRequest } from "@/lib/auth/authorize";
import { badRequest, notFound } from "@/lib/errors";
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
  return json(await readEventAudited(actor, await eventIdOf(context), clientIp(request)));
});

export const PATCH = handle<Context>(async (request, context) => {
  const actor = await authorizeRequest(request, { mutation: true, roles: STAFF });
  const eventId = await eventIdOf(context);
  return json(await updateEventAudited(actor, eventId, await jsonBody(request), clientIp(request)));
});

/** `?scope=&occurrenceStart=[&version=]`, or the same in a JSON body. */
export const DELETE = handle<Context>(async (request, context) => {
  const actor = await authorizeRequest(request, { mutation: true, roles: STAFF });
  const eventId = await eventIdOf(context);
  const params = Object.fromEntries(new URL(request.url).searchParams);
  await deleteEventAudited(actor, eventId, { ...(await jsonBody(request, true)), ...params }, clientIp(request));
  return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
});
