import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { isStaff } from "@/lib/auth/actor";
import type { LiveUpdate } from "@/lib/events/types";
import { liveHub } from "./subscriber";

const HEARTBEAT_MS = 25_000;
/** How often an open stream asks whether its session still lives (logout, revocation, timeouts). */
export const SESSION_CHECK_MS = 5_000;

/**
 * What an actor may learn from an update: staff everything of their organisation; a patient only changes
 * to their own appointments, and never who else takes part.
 */
export function visibleUpdate(actor: Actor, update: LiveUpdate): LiveUpdate | null {
  if (isStaff(actor)) return update;
  if (!actor.patientId || !update.patientIds.includes(actor.patientId)) return null;
  return { ...update, patientIds: [actor.patientId] };
}

/**
 * A server-sent events stream of the actor's live updates (event "change"), with heartbeats. It ends
 * (event "signed-out") as soon as `stillSignedIn` says no: checked every few seconds and before every
 * update, so a revoked or timed-out session learns nothing more.
 */
export function liveStream(actor: Actor, signal: AbortSignal, stillSignedIn: () => Promise<boolean>): ReadableStream<Uint8Array> {
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
      // Checks and sends run one after another, so updates keep their order.
      let queue = Promise.resolve();
      let ended = false;
      const whenSignedIn = (text: string | null) => {
        queue = queue.then(async () => {
          if (ended) return;
          const alive = await stillSignedIn().catch(() => false);
          if (!alive) {
            send("event: signed-out\ndata: {}\n\n");
            stop();
          } else if (text) send(text);
        });
      };
      const unlisten = liveHub().listen(actor.orgId, (update) => {
        const visible = visibleUpdate(actor, update);
        if (visible) whenSignedIn(`event: change\ndata: ${JSON.stringify(visible)}\n\n`);
      });
      const heartbeat = setInterval(() => send(": keep-alive\n\n"), HEARTBEAT_MS);
      const sessionCheck = setInterval(() => whenSignedIn(null), SESSION_CHECK_MS);
      stop = () => {
        ended = true;
        clearInterval(heartbeat);
        clearInterval(sessionCheck);
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
