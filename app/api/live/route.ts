import { authorizeRequest } from "@/lib/auth/authorize";
import { handle } from "@/lib/http/respond";
import { liveStream } from "@/lib/live/stream";

export const dynamic = "force-dynamic";

/** `GET /api/live`: server-sent events, one `change` per committed change the actor may see. */
export const GET = handle(async (request) => {
  const actor = await authorizeRequest(request);
  return new Response(liveStream(actor, request.signal), {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    },
  });
});
