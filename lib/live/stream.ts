import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { isStaff } from "@/lib/auth/actor";
import type { LiveUpdate } from "@/lib/events/types";
import { liveHub } from "./subscriber";

const HEARTBEAT_MS = 25_000;

/**
 * What an actor may learn from an update: staff everything of their organisation; a patient only changes
 * to their own appointments, and never who else takes part.
 */
export function visibleUpdate(actor: Actor, update: LiveUpdate): LiveUpdate | null {
  if (isStaff(actor)) return update;
  if (!actor.patientId || !update.patientIds.includes(actor.patientId)) return null;
  return { ...update, patientIds: [actor.patientId] };
}

/** A server-sent events stream of the actor's live updates (event "change"), with heartbeats. */
export function liveStream(actor: Actor, signal: AbortSignal): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let stop = () => {};
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          stop();
        }
      };
      // Tells EventSource how soon to reconnect, and flushes the headers at once.
      send("retry: 2000\n: connected\n\n");
      const unlisten = liveHub().listen(actor.orgId, (update) => {
        const visible = visibleUpdate(actor, update);
        if (visible) send(`event: change\ndata: ${JSON.stringify(visible)}\n\n`);
      });
      const heartbeat = setInterval(() => send(": keep-alive\n\n"), HEARTBEAT_MS);
      stop = () => {
        clearInterval(heartbeat);
        unlisten();
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      signal.addEventListener("abort", () => stop(), { once: true });
    },
    cancel() {
      stop();
    },
  });
}
