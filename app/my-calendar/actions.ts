"use server";

import { authorizeAction } from "@/lib/auth/authorize";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { observeAction } from "@/lib/http/observe-action";
import { issueCalendarToken } from "@/lib/ics/tokens";

export type FeedLinkResult = { ok: true; url: string } | { ok: false; message: string };

/** Issues a new private feed address (the previous one stops working) and returns it, once. */
export async function resetFeedLink(): Promise<FeedLinkResult> {
  return observeAction("feed-link", async (): Promise<FeedLinkResult> => {
    try {
      const actor = await authorizeAction({ roles: ["patient"] });
      const token = await issueCalendarToken(actor);
      return { ok: true, url: new URL(`/api/calendars/${token}.ics`, env().NEXTAUTH_URL).toString() };
    } catch (error) {
      if (error instanceof AppError) return { ok: false, message: error.message };
      throw error;
    }
  });
}
