import { getActor } from "@/lib/auth/get-actor";
import { feedQueryFromSearchParams } from "@/lib/events/feed-query";
import { listOccurrencesJson } from "@/lib/events/list-occurrences";
import { handle, rawJson } from "@/lib/http/respond";

export const dynamic = "force-dynamic";

export const GET = handle(async (request) => {
  const actor = await getActor();
  const query = feedQueryFromSearchParams(new URL(request.url).searchParams);
  return rawJson(await listOccurrencesJson(actor, query));
});
