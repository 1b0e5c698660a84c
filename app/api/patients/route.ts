import { authorizeRequest } from "@/lib/auth/authorize";
import { handle, json } from "@/lib/http/respond";
import { searchPatients } from "@/lib/patients/queries";

export const dynamic = "force-dynamic";

/** `GET /api/patients?q=&cohort=&after=&limit=[&archived=include]`: one page of the organisation's patients by name. */
export const GET = handle(async (request) => {
  const actor = await authorizeRequest(request);
  const params = new URL(request.url).searchParams;
  const page = await searchPatients(actor, {
    q: params.get("q") ?? undefined,
    cohortId: params.get("cohort") || undefined,
    after: params.get("after") ?? undefined,
    limit: params.get("limit") ?? undefined,
    archived: params.get("archived") ?? undefined,
  });
  return json(page);
});
