import { authorizeRequest } from "@/lib/auth/authorize";
import { badRequest } from "@/lib/errors";
import { clientIp } from "@/lib/http/client-ip";
import { handle, json } from "@/lib/http/respond";
import { inviteStaff } from "@/lib/staff/staff";

export const dynamic = "force-dynamic";

/** `POST /api/admin/staff` with `{name, email, role: "staff" | "admin"}`: 201 `{userId, url, expiresAt, email, emailed}`. */
export const POST = handle(async (request) => {
  const actor = await authorizeRequest(request, { mutation: true, roles: ["admin"] });
  const body: unknown = await request.json().catch(() => {
    throw badRequest("The body must be JSON: {name, email, role}");
  });
  return json(await inviteStaff(actor, body, clientIp(request)), { status: 201 });
});
