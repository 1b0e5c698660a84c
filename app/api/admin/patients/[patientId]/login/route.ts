import { authorizeRequest } from "@/lib/auth/authorize";
import { badRequest } from "@/lib/errors";
import { clientIp } from "@/lib/http/client-ip";
import { handle, json } from "@/lib/http/respond";
import { invitePatientLogin } from "@/lib/patients/patient-logins";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ patientId: string }> };

/**
 * `POST /api/admin/patients/:patientId/login` with `{email?}`: creates the patient's login and answers
 * 201 `{url, expiresAt, email, emailed}`: the one-time link (shown to the admin; e-mailed when SMTP_URL is set).
 */
export const POST = handle<Context>(async (request, { params }) => {
  const actor = await authorizeRequest(request, { mutation: true, roles: ["admin"] });
  const body: unknown = await request.json().catch(() => {
    throw badRequest("The body must be JSON: {email?}");
  });
  const invite = await invitePatientLogin(actor, (await params).patientId, body, clientIp(request));
  return json(invite, { status: 201 });
});
