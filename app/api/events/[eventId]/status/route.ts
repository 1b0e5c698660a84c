import { z } from "zod";
import { setStatusAudited } from "@/lib/audit/audited-events";
import { authorizeRequest } from "@/lib/auth/authorize";
import { badRequest, notFound } from "@/lib/errors";
import { statusHistory } from "@/lib/events/status";
import { clientIp } from "@/lib/http/client-ip";
import { handle, json } from "@/lib/http/respond";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ eventId: string }> };

const STAFF = ["admin", "staff"] as const;

async function eventIdOf(context: Context): Promise<string> {
  const { eventId } = await context.params;
  if (!z.uuid().safeParse(eventId).success) throw notFound("Event");
  return eventId;
}

/** `POST /api/events/:id/status` with `{occurrenceStart?, status, reason?}`: one occurrence's status. */
export const POST = handle<Context>(async (request, context) => {
  const actor = await authorizeRequest(request, { mutation: true, roles: STAFF });
  const eventId = await eventIdOf(context);
  const body: unknown = await request.json().catch(() => {
    throw badRequest("The body must be JSON: {occurrenceStart, status, reason?}");
  });
  return json(await setStatusAudited(actor, eventId, body, clientIp(request)));
});

/** `GET /api/events/:id/status?occurrenceStart=`: who changed the occurrence's status, newest first. */
export const GET = handle<Context>(async (request, context) => {
  const actor = await authorizeRequest(request, { roles: STAFF });
  const eventId = await eventIdOf(context);
  const occurrenceStart = new URL(request.url).searchParams.get("occurrenceStart") ?? "";
  return json({ history: await statusHistory(actor, eventId, occurrenceStart) });
});
