import { revokeSessionsOf } from "@/lib/auth/accounts";
import { authorizeRequest } from "@/lib/auth/authorize";
import { clientIp } from "@/lib/http/client-ip";
import { handle, json } from "@/lib/http/respond";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ userId: string; handle: string }> };

/** Ends one session, named by the handle the session list shows. */
export const DELETE = handle<Context>(async (request, { params }) => {
  const actor = await authorizeRequest(request, { roles: ["admin"] });
  const { userId, handle: sessionHandle } = await params;
  await revokeSessionsOf(actor, userId, sessionHandle, clientIp(request));
  return json({ revoked: 1 });
});
