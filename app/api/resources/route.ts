import { authorizeRequest } from "@/lib/auth/authorize";
import { handle, json } from "@/lib/http/respond";
import { clinicDirectory } from "@/lib/resources/resources";

export const dynamic = "force-dynamic";

/** `GET /api/resources[?archived=1]`: the organisation's clinicians, rooms and appointment types (staff). */
export const GET = handle(async (request) => {
  const actor = await authorizeRequest(request, { roles: ["admin", "staff"] });
  const includeArchived = new URL(request.url).searchParams.get("archived") === "1";
  return json(await clinicDirectory(actor, { includeArchived }));
});
