import { getActor } from "@/lib/auth/get-actor";
import { badRequest } from "@/lib/errors";
import { feedQueryFromBody } from "@/lib/events/feed-query";
import { listOccurrencesJson } from "@/lib/events/list-occurrences";
import { handle, rawJson } from "@/lib/http/respond";

export const dynamic = "force-dynamic";

/** The feed for selections too large for a URL: `{start, end, patientIds, timeZone?}`. */
export const POST = handle(async (request) => {
  const actor = await getActor();
  const body: unknown = await request.json().catch(() => {
    throw badRequest("The body must be JSON: {start, end, patientIds, timeZone?}");
  });
  return rawJson(await listOccurrencesJson(actor, feedQueryFromBody(body)));
});
