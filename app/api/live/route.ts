import { authorizeRequest } from "@/lib/auth/authorize";
import { getSessionId } from "@/lib/auth/get-actor";
import { sessionAlive } from "@/lib/auth/session-store";
import { handle } from "@/lib/http/respond";
import { liveStream } from "@/lib/live/stream";

export const dynamic = "force-dynamic";

/** `GET /api/live`: server-sent events, one `change` per committed change the actor may see, until the session ends. */
export const GET = handle(async (request) => {
  const actor = await authorizeRequest(request);
  const sessionId = await getSessionId();
  return new Response(liveStream(actor, request.signal, () => sessionAlive(sessionId)), {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    },
  });
});
