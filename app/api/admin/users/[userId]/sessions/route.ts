import { listSessionsOf, revokeSessionsOf } from "@/lib/auth/accounts";
import { authorizeRequest } from "@/lib/auth/authorize";
import { clientIp } from "@/lib/http/client-ip";
import { handle, json } from "@/lib/http/respond";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ userId: string }> };

/** A user's live sessions (admins, own organisation; another organisation's user is 404). */
export const GET = handle<Context>(async (request, { params }) => {
  const actor = await authorizeRequest(request, { roles: ["admin"] });
  const sessions = await listSessionsOf(actor, (await params).userId);
  return json({ sessions });
});

/** Ends every session of the user: `{revoked: n}`. */
export const DELETE = handle<Context>(async (request, { params }) => {
  const actor = await authorizeRequest(request, { roles: ["admin"] });
  const revoked = await revokeSessionsOf(actor, (await params).userId, null, clientIp(request));
  return json({ revoked });
});
