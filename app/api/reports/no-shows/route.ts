import { getActor } from "@/lib/auth/get-actor";
import { handle, json } from "@/lib/http/respond";
import { noShowReport } from "@/lib/reports/no-shows";

export const dynamic = "force-dynamic";

/** `GET /api/reports/no-shows?start=YYYY-MM-DD&end=YYYY-MM-DD[&cohort=id|&patient=id]` */
export const GET = handle(async (request) => {
  const actor = await getActor();
  const params = new URL(request.url).searchParams;
  return json(
    await noShowReport(actor, {
      start: params.get("start") ?? undefined,
      end: params.get("end") ?? undefined,
      cohortId: params.get("cohort") || undefined,
      patientId: params.get("patient") || undefined,
    }),
  );
});
