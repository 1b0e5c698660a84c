import { auditFeedRead } from "@/lib/audit/feed-audit";
import { authorizeRequest } from "@/lib/auth/authorize";
import { badRequest } from "@/lib/errors";
import { feedQueryFromBody } from "@/lib/events/feed-query";
import { listOccurrencesJson } from "@/lib/events/list-occurrences";
import { clientIp } from "@/lib/http/client-ip";
import { handle, rawJson } from "@/lib/http/respond";

export const dynamic = "force-dynamic";

/**
 * The feed for selections too large for a URL: `{start, end, patientIds, timeZone?}`. A read, but a POST:
 * it gets the Origin check too (a cross-site form could post it and leave entries in the audit trail).
 */
export const POST = handle(async (request) => {
  const actor = await authorizeRequest(request);
  const body: unknown = await request.json().catch(() => {
    throw badRequest("The body must be JSON: {start, end, patientIds, timeZone?}");
  });
  const query = feedQueryFromBody(body);
  const json = await listOccurrencesJson(actor, query);
  await auditFeedRead(actor, query, clientIp(request));
  return rawJson(json);
});
