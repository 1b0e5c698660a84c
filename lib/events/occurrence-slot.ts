import { badRequest, notFound } from "@/lib/errors";
import { parseExactInstant } from "./event-input";
import type { LoadedEvent } from "./event-store";
import { expandOccurrences } from "./recurrence";

/** The scope and occurrence a change of a recurring event names; both required (400 otherwise). */
export function requireScope<S extends string>(scope: S | undefined, occurrenceStart: string | undefined, needOccurrence: boolean) {
  if (!scope) throw badRequest("scope is required for a recurring event: this, following or all");
  if (!occurrenceStart) {
    if (needOccurrence) throw badRequest(`occurrenceStart is required with scope ${scope}: the occurrence's originalStart`);
    return { scope, occurrence: null };
  }
  const occurrence = parseExactInstant(occurrenceStart);
  if (!occurrence) throw badRequest(`occurrenceStart: "${occurrenceStart}" must be an ISO-8601 date-time with an offset`);
  return { scope, occurrence };
}

/** Checks that `originalStart` is a live (not cancelled) occurrence of the series; 404 otherwise. */
export function assertOccurrence(loaded: LoadedEvent, originalStart: Date): void {
  const cancelled = loaded.exceptions.some((x) => x.cancelled && x.originalStart.getTime() === originalStart.getTime());
  if (cancelled || !isOccurrenceOf(loaded.event, originalStart)) throw notFound("Occurrence");
}

/** Whether `originalStart` is an occurrence of the (possibly changed) series: exceptions elsewhere go. */
export function isOccurrenceOf(event: LoadedEvent["event"], originalStart: Date): boolean {
  const at = originalStart.getTime();
  return expandOccurrences(
    { rrule: event.rrule, start: event.startAt, end: event.endAt, timeZone: event.timeZone, allDay: event.allDay },
    originalStart,
    new Date(at + 1),
    { limit: 10 },
  ).some((slot) => slot.originalStart.getTime() === at);
}
