import { feedGetUrl, prefetch, scheduleUrl } from "./api-client";
import { addDays, startOfWeek, todayIn } from "./local-dates";
import type { PlannerState } from "./planner-state";

/**
 * The calendar's first reads: its feed's and its background's URLs for the window it opens on. The page
 * preloads them from its HTML's head (app/calendar/page.tsx) and the page's script asks for them as it
 * starts (`prefetchFirstWindow`), instead of after the calendar's own code has loaded and laid itself out
 * (a few hundred milliseconds on a busy machine): the request FullCalendar then makes for the same window
 * takes that answer (api-client's prefetch). Only for the day and week views, whose window is simple to
 * know; a window computed differently from FullCalendar's is merely not taken, and the calendar asks as usual.
 */
export function firstWindowUrls(initial: PlannerState, timeZone: string, weekStart: number): string[] {
  if (initial.view !== "week" && initial.view !== "day") return [];
  const date = initial.date ?? todayIn(timeZone);
  const first = initial.view === "week" ? startOfWeek(date, weekStart) : date;
  const last = addDays(first, initial.view === "week" ? 7 : 1);
  const [start, end] = [zonedMidnight(first, timeZone), zonedMidnight(last, timeZone)];
  const feed = feedGetUrl(initial.selection, start, end, timeZone);
  return [...(feed ? [feed] : []), scheduleUrl(start, end, timeZone, [])];
}

export function prefetchFirstWindow(initial: PlannerState, timeZone: string, weekStart: number): void {
  for (const url of firstWindowUrls(initial, timeZone, weekStart)) prefetch(url);
}

/** Midnight of a local date in a time zone, as FullCalendar writes a window's bounds ("…T00:00:00-05:00"). */
export function zonedMidnight(date: string, timeZone: string): string {
  if (timeZone === "UTC") return `${date}T00:00:00Z`;
  const wall = Date.parse(`${date}T00:00:00Z`);
  // The offset at the wall time read as UTC, then at the instant that gives: right on both sides of DST.
  const offset = offsetMinutes(wall - offsetMinutes(wall, timeZone) * 60_000, timeZone);
  const abs = Math.abs(offset);
  const sign = offset < 0 ? "-" : "+";
  return `${date}T00:00:00${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

function offsetMinutes(instant: number, timeZone: string): number {
  const name = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" })
    .formatToParts(new Date(instant))
    .find((part) => part.type === "timeZoneName")?.value;
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? "");
  if (!match) return 0;
  return (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}
