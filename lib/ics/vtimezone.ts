import "server-only";
import { getVtimezoneComponent } from "@touch4it/ical-timezones";

/**
 * VTIMEZONE for a TZID (ical-generator asks once per zone in the feed). Google and Outlook need one for
 * every TZID they see; UTC needs none.
 */
export function vtimezone(timeZone: string): string | null {
  if (timeZone === "UTC" || timeZone === "Etc/UTC") return null;
  return getVtimezoneComponent(timeZone) ?? null;
}
