import { Temporal } from "temporal-polyfill";

/** Whether `zone` names an IANA time zone (or UTC) that this runtime knows. */
export function isValidTimeZone(zone: string): boolean {
  try {
    Temporal.Now.zonedDateTimeISO(zone);
    return true;
  } catch {
    return false;
  }
}

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
