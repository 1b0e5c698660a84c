import { createEventAudited } from "@/lib/audit/audited-events";
import { auditFeedRead, hotFeedRead } from "@/lib/audit/feed-audit";
import { authorizePrepaidRead, authorizeRequest } from "@/lib/auth/authorize";
import { badRequest } from "@/lib/errors";
import { listOccurrencesJson } from "@/lib/events/list-occurrences";
import { clientIp } from "@/lib/http/client-ip";
import { handle, json, rawJson } from "@/lib/http/respond";

export const dynamic = "force-dynamic";

/** Only staff and admins change events: patients get 403 before any lookup. */
const STAFF = ["admin", "staff"] as const;

export const GET = handle(async (request) => {
  const ip = clientIp(request);
  // A window this process holds: session, budget and audit entry in one Redis round trip, no Postgres.
  const hot = hotFeedRead(request.url, ip);
  const { actor, audited } = await authorizePrepaidRead(request, hot.prepay);
  if (audited) return rawJson(hot.body());
  const query = hot.query();
  const body = await listOccurrencesJson(actor, query);
  await auditFeedRead(actor, query, ip);
  return rawJson(body);
});

export const POST = handle(async (request) => {
  const actor = await authorizeRequest(request, { mutation: true, roles: STAFF });
  const body: unknown = await request.json().catch(() => {
    throw badRequest("The body must be JSON: {title, start, end, timeZone, patientIds, …}");
  });
  return json(await createEventAudited(actor, body, clientIp(request)), { status: 201 });
});
