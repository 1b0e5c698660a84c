import { auditFeedRead } from "@/lib/audit/feed-audit";
import { authorizeRequest } from "@/lib/auth/authorize";
import { feedQueryFromSearchParams } from "@/lib/events/feed-query";
import { listOccurrencesJson } from "@/lib/events/list-occurrences";
import { clientIp } from "@/lib/http/client-ip";
import { handle, rawJson } from "@/lib/http/respond";

export const dynamic = "force-dynamic";

export const GET = handle(async (request) => {
  const actor = await authorizeRequest(request);
  const query = feedQueryFromSearchParams(new URL(request.url).searchParams);
  const body = await listOccurrencesJson(actor, query);
  await auditFeedRead(actor, query, clientIp(request));
  return rawJson(body);
});
