import { Temporal } from "temporal-polyfill";

export { isValidTimeZone } from "@/lib/events/time-zones";

const OFFSET_OR_Z = /(?:[Zz]|[+-]\d{2}(?::?\d{2})?)$/;
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?$/;

/**
 * Reads an ISO-8601 instant. With an offset it is exact; a date or a local date-time without an offset
 * is read as wall-clock time in `timeZone` (FullCalendar sends those when it has a named time zone).
 * Returns null when the text is not a valid date.
 */
export function parseInstant(text: string, timeZone: string): Date | null {
  const value = text.trim();
  try {
    if (OFFSET_OR_Z.test(value) && value.includes("T")) {
      return new Date(Temporal.Instant.from(value).epochMilliseconds);
    }
    if (LOCAL_DATE_TIME.test(value)) {
      const local = Temporal.PlainDateTime.from(value);
      return new Date(local.toZonedDateTime(timeZone, { disambiguation: "compatible" }).epochMilliseconds);
    }
  } catch {
    return null;
  }
  return null;
}

/** The local calendar date (YYYY-MM-DD) of an instant in a zone. */
export function localDate(instant: Date, timeZone: string): string {
  return Temporal.Instant.fromEpochMilliseconds(instant.getTime()).toZonedDateTimeISO(timeZone).toPlainDate().toString();
}

/** The instant of a local date-time in a zone (gaps move forward, overlaps take the earlier instant). */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  const local = Temporal.PlainDateTime.from(`${date}T${time}`);
  return new Date(local.toZonedDateTime(timeZone, { disambiguation: "compatible" }).epochMilliseconds);
}

/** Adds whole calendar days to a local date. */
export function addDays(date: string, days: number): string {
  return Temporal.PlainDate.from(date).add({ days }).toString();
}

/**
 * Moves `instant` the way an occurrence moved from `from` to `to`: by the same number of calendar days,
 * to the new wall-clock time, in `timeZone`. This is how an "all events" edit carries a new time to the
 * rest of a series (and to its exceptions) so it stays right across DST changes.
 */
export function moveLikeOccurrence(instant: Date, from: Date, to: Date, timeZone: string): Date {
  const zoned = (d: Date) => Temporal.Instant.fromEpochMilliseconds(d.getTime()).toZonedDateTimeISO(timeZone);
  const days = zoned(from).toPlainDate().until(zoned(to).toPlainDate(), { largestUnit: "days" }).days;
  const target = zoned(instant).toPlainDate().add({ days }).toPlainDateTime(zoned(to).toPlainTime());
  return new Date(target.toZonedDateTime(timeZone, { disambiguation: "compatible" }).epochMilliseconds);
}
