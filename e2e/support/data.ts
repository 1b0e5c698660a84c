import type { LiveUpdate } from "@/lib/events/types";
import { cacheRedis } from "@/lib/redis/client";
import { keys } from "@/lib/redis/keys";

/** Today (or `days` from today) at a local hour in America/New_York, the zone of test organisations and the browser. */
export function dayAt(hour: number, days = 0, minute = 0): Date {
  const now = new Date(Date.now() + days * 86_400_000);
  const local = new Date(now.toLocaleString("en-US", { timeZone: "America/New_York" }));
  // toLocaleString drops the milliseconds: round the offset to whole minutes so times land on the minute.
  const offset = Math.round((now.getTime() - local.getTime()) / 60_000) * 60_000;
  local.setHours(hour, minute, 0, 0);
  return new Date(local.getTime() + offset);
}

/** Announces a change on the organisation's live channel, as the events engine does after a commit. */
export async function publishLiveUpdate(orgId: string, update: LiveUpdate): Promise<void> {
  await cacheRedis().publish(keys.liveChannel(orgId), JSON.stringify(update));
}
