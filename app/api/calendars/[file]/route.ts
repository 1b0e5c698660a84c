import { auditIcsRead } from "@/lib/audit/audited-events";
import { notFound } from "@/lib/errors";
import { clientIp } from "@/lib/http/client-ip";
import { handle } from "@/lib/http/respond";
import { patientFeedForToken } from "@/lib/ics/patient-feed";

export const dynamic = "force-dynamic";

/**
 * `GET /api/calendars/:token.ics`: a patient's private feed. Calendar clients cannot sign in, so the
 * unguessable token is the credential; a reset token is "not found".
 */
export const GET = handle(async (request, { params }: { params: Promise<{ file: string }> }) => {
  const { file } = await params;
  if (!file.endsWith(".ics")) throw notFound("Calendar");
  const token = file.slice(0, -".ics".length);
  const body = await patientFeedForToken(token);
  await auditIcsRead(token, clientIp(request));
  return new Response(body, {
    headers: {
      "Content-Type": "text/calendar; charset=utf-8",
      "Content-Disposition": 'inline; filename="appointments.ics"',
      "Cache-Control": "no-store",
    },
  });
});
