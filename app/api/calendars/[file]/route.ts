import { notFound } from "@/lib/errors";
import { handle } from "@/lib/http/respond";
import { patientFeedForToken } from "@/lib/ics/patient-feed";

export const dynamic = "force-dynamic";

/**
 * `GET /api/calendars/:token.ics`: a patient's private feed. Calendar clients cannot sign in, so the
 * unguessable token is the credential; a reset token is "not found".
 */
export const GET = handle(async (_request, { params }: { params: Promise<{ file: string }> }) => {
  const { file } = await params;
  if (!file.endsWith(".ics")) throw notFound("Calendar");
  const body = await patientFeedForToken(file.slice(0, -".ics".length));
  return new Response(body, {
    headers: {
      "Content-Type": "text/calendar; charset=utf-8",
      "Content-Disposition": 'inline; filename="appointments.ics"',
      "Cache-Control": "no-store",
    },
  });
});
