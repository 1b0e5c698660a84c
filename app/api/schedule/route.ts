import { authorizeRequest } from "@/lib/auth/authorize";
import { badRequest } from "@/lib/errors";
import { getWorkingHours, listClosures } from "@/lib/closures/closures";
import { feedQueryFromSearchParams } from "@/lib/events/feed-query";
import { handle, json } from "@/lib/http/respond";

export const dynamic = "force-dynamic";

/**
 * `GET /api/schedule?start=&end=[&timeZone=][&resources=id,id]`: what the calendar draws as background:
 * closures of the organisation and absences (all, or only the given clinicians' and rooms'), and the
 * given resources' weekly working hours.
 */
export const GET = handle(async (request) => {
  const actor = await authorizeRequest(request, { roles: ["admin", "staff"] });
  const params = new URL(request.url).searchParams;
  const { start, end, timeZone } = feedQueryFromSearchParams(new URLSearchParams({ start: params.get("start") ?? "", end: params.get("end") ?? "", timeZone: params.get("timeZone") ?? "" }));
  const raw = params.get("resources");
  const resourceIds = raw === null ? undefined : raw.split(",").filter(Boolean);
  if (resourceIds && resourceIds.length > 50) throw badRequest("At most 50 resources");
  const [closures, workingHours] = await Promise.all([
    listClosures(actor, { start, end, timeZone, resourceIds }),
    resourceIds?.length ? getWorkingHours(actor, resourceIds) : Promise.resolve({}),
  ]);
  return json({ closures, workingHours });
});
