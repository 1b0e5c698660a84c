import { getActor } from "@/lib/auth/get-actor";
import { badRequest } from "@/lib/errors";
import { createEvent } from "@/lib/events/create-event";
import { feedQueryFromSearchParams } from "@/lib/events/feed-query";
import { listOccurrencesJson } from "@/lib/events/list-occurrences";
import { handle, json, rawJson } from "@/lib/http/respond";

export const dynamic = "force-dynamic";

export const GET = handle(async (request) => {
  const actor = await getActor();
  const query = feedQueryFromSearchParams(new URL(request.url).searchParams);
  return rawJson(await listOccurrencesJson(actor, query));
});

export const POST = handle(async (request) => {
  const actor = await getActor();
  const body: unknown = await request.json().catch(() => {
    throw badRequest("The body must be JSON: {title, start, end, timeZone, patientIds, …}");
  });
  return json(await createEvent(actor, body), { status: 201 });
});
