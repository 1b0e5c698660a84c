/**
 * Time-zone helpers for the recurrence engine (pure, no I/O).
 *
 * "Floating" time: a local wall-clock reading (e.g. 2026-03-08 09:00 in America/New_York) stored as if it
 * were UTC (Date.UTC(2026, 2, 8, 9, 0)). rrule.js expands rules in UTC without any DST, so expanding in
 * floating time and mapping each result back to a real instant gives RFC 5545 wall-clock semantics.
 */
import { Temporal } from 'temporal-polyfill';

export const MS_PER_DAY = 86_400_000;

const validZones = new Map<string, boolean>();

/** Whether `timeZone` is an IANA zone (or UTC) that Temporal knows. Cached. */
export function isValidTimeZone(timeZone: string): boolean {
  let ok = validZones.get(timeZone);
  if (ok === undefined) {
    try {
      Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(timeZone);
      ok = timeZone.length > 0;
    } catch {
      ok = false;
    }
    if (validZones.size < 1000) validZones.set(timeZone, ok);
  }
  return ok;
}

/** The wall-clock reading of `instantMs` in `timeZone`, as floating milliseconds. */
export function toFloating(instantMs: number, timeZone: string): number {
  const p = Temporal.Instant.fromEpochMilliseconds(instantMs).toZonedDateTimeISO(timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second, p.millisecond);
}

/** The PlainDateTime of a floating time. */
export function floatingToPlain(floatingMs: number): Temporal.PlainDateTime {
  const d = new Date(floatingMs);
  return new Temporal.PlainDateTime(
    d.getUTCFullYear(),
    d.getUTCMonth() + 1,
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    d.getUTCMilliseconds(),
  );
}

/**
 * The real instant of a floating wall-clock time in `timeZone`. RFC 5545 3.3.5 resolution ('compatible'):
 * a nonexistent time (spring-forward gap) moves forward by the gap length (02:30 -> 03:30 EDT); an
 * ambiguous time (fall-back overlap) takes the first, earlier instance (01:30 EDT, not 01:30 EST).
 */
export function fromFloating(floatingMs: number, timeZone: string): number {
  return floatingToPlain(floatingMs).toZonedDateTime(timeZone, { disambiguation: 'compatible' })
    .epochMilliseconds;
}

/**
 * A faster fromFloating for many calls in one zone: away from offset transitions (more than two days, which
 * exceeds any offset change) a wall-clock time has exactly one instant, found by subtracting the offset of
 * the current stretch between transitions; only near a transition does it ask Temporal.
 */
export function floatingMapper(timeZone: string): (floatingMs: number) => number {
  let lo = Infinity;
  let hi = -Infinity;
  let offset = 0;
  return (floatingMs) => {
    const guess = floatingMs - offset;
    if (guess >= lo && guess < hi) return guess;
    const z = floatingToPlain(floatingMs).toZonedDateTime(timeZone, { disambiguation: 'compatible' });
    const at = z.epochMilliseconds;
    offset = z.offsetNanoseconds / 1e6;
    // The stretch holding `at`: from the last transition at or before it to the next one after it.
    const prev = Temporal.Instant.fromEpochMilliseconds(at + 1).toZonedDateTimeISO(timeZone).getTimeZoneTransition('previous');
    const next = z.getTimeZoneTransition('next');
    lo = (prev ? prev.epochMilliseconds : -8.64e15) + 2 * MS_PER_DAY;
    hi = (next ? next.epochMilliseconds : 8.64e15) - 2 * MS_PER_DAY;
    return at;
  };
}

/** Whole calendar days from the local date of `fromMs` to the local date of `toMs` in `timeZone`. */
export function calendarDaysBetween(fromMs: number, toMs: number, timeZone: string): number {
  const a = Math.floor(toFloating(fromMs, timeZone) / MS_PER_DAY);
  const b = Math.floor(toFloating(toMs, timeZone) / MS_PER_DAY);
  return b - a;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** RFC 5545 UTC DATE-TIME form: YYYYMMDDTHHMMSSZ (sub-second part dropped). */
export function formatUtcDateTime(instantMs: number): string {
  const d = new Date(instantMs);
  return (
    `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`
  );
}

/** RFC 5545 DATE form (YYYYMMDD) of a floating time's calendar date. */
export function formatFloatingDate(floatingMs: number): string {
  const d = new Date(floatingMs);
  return `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
}

/** ISO-8601 with the zone's offset, e.g. 2026-03-09T09:00:00-04:00 (+00:00, never Z; ms only when non-zero). */
export function formatInZone(instantMs: number, timeZone: string): string {
  const z = Temporal.Instant.fromEpochMilliseconds(instantMs).toZonedDateTimeISO(timeZone);
  const frac = z.millisecond ? `.${pad(z.millisecond, 3)}` : '';
  return (
    `${pad(z.year, 4)}-${pad(z.month)}-${pad(z.day)}T${pad(z.hour)}:${pad(z.minute)}:${pad(z.second)}` +
    `${frac}${z.offset}`
  );
}
