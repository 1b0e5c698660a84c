import { recordAudit } from "@/lib/audit/record";
import { authorizeRequest } from "@/lib/auth/authorize";
import { clientIp } from "@/lib/http/client-ip";
import { handle, json } from "@/lib/http/respond";
import { noShowReport } from "@/lib/reports/no-shows";

export const dynamic = "force-dynamic";

/** `GET /api/reports/no-shows?start=YYYY-MM-DD&end=YYYY-MM-DD[&cohort=id|&patient=id]` */
export const GET = handle(async (request) => {
  const actor = await authorizeRequest(request, { roles: ["admin", "staff"] });
  const params = new URL(request.url).searchParams;
  const report = await noShowReport(actor, {
    start: params.get("start") ?? undefined,
    end: params.get("end") ?? undefined,
    cohortId: params.get("cohort") || undefined,
    patientId: params.get("patient") || undefined,
  });
  await recordAudit(actor, {
    action: "events.read",
    patientIds: report.patients.map((p) => p.patientId),
    ip: clientIp(request),
    details: { via: "no-show-report", start: report.start, end: report.end },
  });
  return json(report);
});
