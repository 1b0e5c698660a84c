import { getActor } from "@/lib/auth/get-actor";
import { handle, rawJson } from "@/lib/http/respond";
import { searchAppointments } from "@/lib/search/search-appointments";

export const dynamic = "force-dynamic";

/** `GET /api/appointments/search?q=&field=any|patient|title|clinician|room&start=&end=[&timeZone=]` */
export const GET = handle(async (request) => {
  const actor = await getActor();
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const { body, truncated } = await searchAppointments(actor, params);
  return rawJson(`{"truncated":${truncated},"results":${body}}`);
});
