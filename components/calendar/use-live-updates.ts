"use client";

import { useEffect, useRef, useState } from "react";
import type { LiveUpdate } from "@/lib/events/types";

/**
 * Listens to `/api/live` (server-sent events carrying the organisation's LiveUpdate messages). EventSource
 * reconnects by itself after a network drop; `onUpdate` keeps its latest identity without reconnecting.
 */
export function useLiveUpdates(onUpdate: (update: LiveUpdate) => void): { signedOut: boolean } {
  const handler = useRef(onUpdate);
  const [signedOut, setSignedOut] = useState(false);
  useEffect(() => {
    handler.current = onUpdate;
  }, [onUpdate]);
  useEffect(() => {
    const source = new EventSource("/api/live");
    source.addEventListener("change", (message) => {
      try {
        handler.current(JSON.parse((message as MessageEvent<string>).data) as LiveUpdate);
      } catch {
        // A malformed message is ignored: the next change or a reload brings the calendar up to date.
      }
    });
    // The session ended (logout elsewhere, revocation, timeout): stop listening; the calendar hides its
    // appointments and offers to sign in again. No automatic navigation: it could cut off one the user
    // (or another tab's sign-in) has just started.
    source.addEventListener("signed-out", () => {
      source.close();
      setSignedOut(true);
    });
    return () => source.close();
  }, []);
  return { signedOut };
}
