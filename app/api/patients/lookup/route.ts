import { authorizeRequest } from "@/lib/auth/authorize";
import { badRequest } from "@/lib/errors";
import { handle, json } from "@/lib/http/respond";
import { lookupPatients } from "@/lib/patients/queries";

export const dynamic = "force-dynamic";

/** `POST /api/patients/lookup` with `{ids}`: names and colours of those patients (a read; POST for size). */
export const POST = handle(async (request) => {
  const actor = await authorizeRequest(request);
  const body = (await request.json().catch(() => {
    throw badRequest("The body must be JSON: {ids: [...]}");
  })) as { ids?: unknown } | null;
  return json({ patients: await lookupPatients(actor, body?.ids) });
});
