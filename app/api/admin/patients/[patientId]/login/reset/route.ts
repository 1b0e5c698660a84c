import { authorizeRequest } from "@/lib/auth/authorize";
import { clientIp } from "@/lib/http/client-ip";
import { handle, json } from "@/lib/http/respond";
import { resetPatientLogin } from "@/lib/patients/patient-logins";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ patientId: string }> };

/** `POST /api/admin/patients/:patientId/login/reset`: the password stops working, sessions end; a new one-time link. */
export const POST = handle<Context>(async (request, { params }) => {
  const actor = await authorizeRequest(request, { mutation: true, roles: ["admin"] });
  return json(await resetPatientLogin(actor, (await params).patientId, clientIp(request)));
});
