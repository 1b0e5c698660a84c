import { recordAudit } from "@/lib/audit/record";
import { authorizeRequest } from "@/lib/auth/authorize";
import { clientIp } from "@/lib/http/client-ip";
import { handle, rawJson } from "@/lib/http/respond";
import { searchAppointments } from "@/lib/search/search-appointments";

export const dynamic = "force-dynamic";

/** `GET /api/appointments/search?q=&field=any|patient|title|clinician|room&start=&end=[&timeZone=]` */
export const GET = handle(async (request) => {
  const actor = await authorizeRequest(request, { roles: ["admin", "staff"] });
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const { body, truncated, patientIds } = await searchAppointments(actor, params);
  // The search term itself may name a patient: only the range and the field go into the trail.
  await recordAudit(actor, { action: "events.read", patientIds, ip: clientIp(request), details: { via: "search", field: params.field ?? "any", start: params.start ?? null, end: params.end ?? null } });
  return rawJson(`{"truncated":${truncated},"results":${body}}`);
});
