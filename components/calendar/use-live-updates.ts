"use client";

import { useEffect, useRef } from "react";
import type { LiveUpdate } from "@/lib/events/types";

/**
 * Listens to `/api/live` (server-sent events carrying the organisation's LiveUpdate messages). EventSource
 * reconnects by itself after a network drop; `onUpdate` keeps its latest identity without reconnecting.
 */
export function useLiveUpdates(onUpdate: (update: LiveUpdate) => void): void {
  const handler = useRef(onUpdate);
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
    // The session ended (logout elsewhere, revocation, timeout): stop listening and sign in again, with a
    // full page load so that no patient data stays in the page's memory.
    source.addEventListener("signed-out", () => {
      source.close();
      window.location.replace(new URL("/login", window.location.href));
    });
    return () => source.close();
  }, []);
}
