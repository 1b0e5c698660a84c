/**
 * Recurrence (RFC 5545 RRULE) for the events domain. Pure: no I/O, no database, safe on client and server.
 *
 * Semantics (Google Calendar / Outlook parity, RFC 5545 where they differ):
 * - The rule is anchored in the event's IANA time zone: the first occurrence's local wall-clock time repeats
 *   (09:00 America/New_York stays 09:00 local across DST). Nonexistent local times move forward by the gap,
 *   ambiguous ones take the earlier instant (RFC 5545 3.3.5; Temporal 'compatible').
 * - DTSTART is always the first occurrence and counts towards COUNT, even when it does not match the rule
 *   (RFC 5545 3.8.5.3). rrule.js and python-dateutil drop a non-matching DTSTART; we add it back.
 * - Timed events keep their exact elapsed duration; all-day events keep their number of calendar days.
 * - UNTIL in UTC form bounds the occurrence's instant; date-form UNTIL is inclusive through that local date.
 * - WEEKLY with BYSETPOS picks from DTSTART's whole week (WKST), as RFC 5545 says (rrule.js and dateutil
 *   start the first week at DTSTART).
 * - Supported: FREQ=DAILY|WEEKLY|MONTHLY|YEARLY, INTERVAL, COUNT, UNTIL, BYDAY, BYMONTHDAY, BYMONTH,
 *   BYYEARDAY, BYWEEKNO, BYSETPOS, WKST. Sub-daily frequencies and BYHOUR/BYMINUTE/BYSECOND are rejected:
 *   an appointment repeats at its start's time of day.
 *
 * How: the DTSTART's wall-clock is treated as UTC ("floating"), rrule.js expands in UTC (no DST), and each
 * result maps back to a real instant with Temporal. rrule's own `tzid` option is not used (it is buggy).
 */
import type { Options } from 'rrule';
import {
  MS_PER_DAY, calendarDaysBetween, floatingMapper, formatFloatingDate, formatUtcDateTime, isValidTimeZone, toFloating,
} from './time-zones';
import { RRule, fail, parseRrule, rruleOptions, type ParsedRrule } from './rrule-parse';

export {
  RecurrenceError, describeRrule, parseRrule, rruleSchema, type Frequency, type ParsedRrule, type Until,
} from './rrule-parse';

export interface RecurringEventInput {
  rrule?: string | null;
  /** The first occurrence's instants (all-day: local midnights in timeZone, end exclusive). */
  start: Date;
  end: Date;
  timeZone: string;
  allDay: boolean;
  /** Original starts of cancelled occurrences (they still count towards COUNT). */
  exdates?: readonly Date[];
}
export interface Occurrence { originalStart: Date; start: Date; end: Date }
export const DEFAULT_EXPANSION_LIMIT = 5000;

// 400 Gregorian years are exactly 146097 days, so shifting floating times by whole cycles changes no weekday,
// leap year or week number. rrule.js only stops a rule that matches nothing at year 9999; shifting the
// window to just before 9999 bounds that loop to < 400 years, whatever the rule.
const CYCLE_MS = 146_097 * MS_PER_DAY;
const MAX_FLOATING = Date.UTC(9999, 11, 31, 23, 59, 59);

/** Makes rrule.js's DTSTART-derived defaults explicit, so that the rule can be started from another point. */
function pinDefaults(p: ParsedRrule, options: Partial<Options>, d: Date): void {
  if (options.byweekno || options.byyearday || options.bymonthday || options.byweekday) return;
  if (p.freq === 'YEARLY') options.bymonth ??= d.getUTCMonth() + 1;
  if (p.freq === 'YEARLY' || p.freq === 'MONTHLY') options.bymonthday = d.getUTCDate();
  if (p.freq === 'WEEKLY') options.byweekday = (d.getUTCDay() + 6) % 7;
}

/**
 * Where rrule.js starts (results before DTSTART are dropped), with defaults pinned when it is not DTSTART:
 * - WEEKLY with BYSETPOS: the start of DTSTART's week (WKST). rrule.js and dateutil cut the first week at
 *   DTSTART, so BYSETPOS would pick from a partial week; RFC 5545 counts within the whole week.
 * - No COUNT and a window far after DTSTART (`from`): a later start on the rule's period grid (whole
 *   INTERVALs of days, weeks, months or years) whose own first period lies before `from`, so that expansion
 *   need not iterate from DTSTART. Then `rebased` is true.
 */
function ruleStart(p: ParsedRrule, options: Partial<Options>, dtstart: number, from?: number): { at: number; rebased: boolean } {
  const d = new Date(dtstart);
  let at = dtstart;
  if (p.count === null && from !== undefined) {
    if (p.freq === 'DAILY' || p.freq === 'WEEKLY') {
      const step = (p.freq === 'DAILY' ? 1 : 7) * p.interval * MS_PER_DAY;
      at = dtstart + Math.max(0, Math.floor((from - dtstart - 10 * MS_PER_DAY) / step)) * step;
    } else {
      const step = p.freq === 'MONTHLY' ? p.interval : 12 * p.interval;
      const f = new Date(from);
      const months = (f.getUTCFullYear() - d.getUTCFullYear()) * 12 + f.getUTCMonth() - d.getUTCMonth() - 1;
      const later = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + Math.floor(months / step) * step, 1,
        d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
      if (later > dtstart) at = later;
    }
  }
  const rebased = at !== dtstart;
  if (p.freq === 'WEEKLY' && options.bysetpos) {
    const wkst = typeof options.wkst === 'number' ? options.wkst : 0;
    at -= ((new Date(at).getUTCDay() + 6 - wkst + 7) % 7) * MS_PER_DAY;
  }
  if (at !== dtstart) pinDefaults(p, options, d);
  return { at, rebased };
}

/**
 * Walks the series in floating time from DTSTART (index 0, always an occurrence) while visit returns true.
 * Stops after COUNT occurrences, after `to`, or at the floating UNTIL (an upper bound: callers check UTC
 * UNTIL exactly). `fromRule` tells whether the occurrence is produced by the rule itself. With `from`, it may
 * start later (see ruleStart); then indices are only known to be > 0.
 */
function walk(p: ParsedRrule, dtstart: number, untilFloating: number | null, to: number,
  visit: (floating: number, index: number, fromRule: boolean) => boolean, from?: number): void {
  const end = Math.min(to, MAX_FLOATING);
  const shift = Math.max(0, Math.floor((9999 - new Date(end).getUTCFullYear()) / 400)) * CYCLE_MS;
  let index = 0;
  const emit = (t: number, fromRule: boolean) =>
    t <= end && (p.count === null || index < p.count) && visit(t, index++, fromRule) && (p.count === null || index < p.count);
  if (untilFloating !== null && untilFloating < dtstart) { emit(dtstart, false); return; }
  const options = rruleOptions(p);
  const start = ruleStart(p, options, dtstart, from);
  if (start.rebased) index = 1;
  let first = !start.rebased;
  const until = untilFloating === null ? null : new Date(untilFloating + shift);
  new RRule({ ...options, dtstart: new Date(start.at + shift), until }, true).all((d) => {
    const t = d.getTime() - shift;
    if (t < dtstart) return t <= end;
    if (first) {
      first = false;
      if (t !== dtstart && !emit(dtstart, false)) return false;
    }
    return emit(t, true);
  });
  if (first) emit(dtstart, false);
}

function assertZone(timeZone: string): void {
  if (!isValidTimeZone(timeZone)) fail(`Unknown time zone "${timeZone}"`);
}

function assertEvent(e: RecurringEventInput): void {
  assertZone(e.timeZone);
  if (Number.isNaN(e.start.getTime()) || Number.isNaN(e.end.getTime())) fail('start and end must be valid dates');
  if (e.end.getTime() < e.start.getTime()) fail('end must not be before start');
}

function untilFloating(p: ParsedRrule, timeZone: string): number | null {
  if (!p.until) return null;
  if (p.until.kind === 'utc') return toFloating(p.until.instant.getTime(), timeZone) + 2 * MS_PER_DAY;
  return Date.parse(`${p.until.date}T23:59:59.999Z`);
}

/**
 * Occurrences whose [start, end) overlaps [rangeStart, rangeEnd), in order (a zero-length occurrence counts
 * when rangeStart <= start < rangeEnd). At most `limit` (default 5000) are returned. Without an rrule the
 * event itself is the only occurrence.
 */
export function expandOccurrences(event: RecurringEventInput, rangeStart: Date, rangeEnd: Date,
  { limit = DEFAULT_EXPANSION_LIMIT }: { limit?: number } = {}): Occurrence[] {
  assertEvent(event);
  const { timeZone, allDay } = event;
  const [start, end, rs, re] = [event.start, event.end, rangeStart, rangeEnd].map((d) => d.getTime()) as [number, number, number, number];
  if (Number.isNaN(rs) || Number.isNaN(re)) fail('rangeStart and rangeEnd must be valid dates');
  const out: Occurrence[] = [];
  const overlaps = (s: number, e: number) => s < re && (e > rs || (e === s && s >= rs));
  const push = (s: number, e: number) => out.push({ originalStart: new Date(s), start: new Date(s), end: new Date(e) });
  if (!event.rrule) {
    if (overlaps(start, end) && limit > 0) push(start, end);
    return out;
  }
  const p = parseRrule(event.rrule);
  if (limit <= 0 || re <= rs || re <= start) return out;
  const days = allDay ? calendarDaysBetween(start, end, timeZone) : 0;
  const duration = end - start;
  const exdates = new Set(event.exdates?.map((d) => d.getTime()));
  const utcUntil = p.until?.kind === 'utc' ? p.until.instant.getTime() : Infinity;
  const from = toFloating(rs, timeZone) - (allDay ? (days + 1) * MS_PER_DAY : duration) - 2 * MS_PER_DAY;
  const map = floatingMapper(timeZone);
  const dayStart = (t: number) => map(Math.floor(t / MS_PER_DAY) * MS_PER_DAY); // first instant of the local day
  let last = -Infinity;
  walk(p, toFloating(start, timeZone), untilFloating(p, timeZone), toFloating(re, timeZone) + 2 * MS_PER_DAY, (t, index) => {
    if (index > 0 && t < from) return true;
    const s = index === 0 ? start : allDay ? dayStart(t) : map(t);
    if (s >= re || (index > 0 && s > utcUntil)) return false;
    if (s <= last) return true; // a skipped calendar day (e.g. Pacific/Apia 2011-12-30) maps onto the next one
    last = s;
    const e = index === 0 ? end : allDay ? dayStart(t + days * MS_PER_DAY) : s + duration;
    if (!exdates.has(s) && overlaps(s, e)) push(s, e);
    return out.length < limit;
  }, from);
  return out;
}

/**
 * Whether DTSTART itself matches the rule (e.g. FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13 starting on a Tuesday
 * does not). Either way DTSTART is the first occurrence (RFC 5545); Google behaves the same. Callers may use
 * this to warn, or to add an EXDATE as the RFC's own "Friday the 13th" example does.
 */
export function firstOccurrenceMatches(rrule: string, start: Date, timeZone: string): boolean {
  const p = parseRrule(rrule);
  assertZone(timeZone);
  const dtstart = toFloating(start.getTime(), timeZone);
  let matches = false;
  walk({ ...p, count: null }, dtstart, null, dtstart, (_t, _i, fromRule) => { matches = fromRule; return false; });
  return matches;
}

/**
 * The old series' rule for a "this and following" split at `occurrenceOriginalStart`: COUNT and UNTIL are
 * replaced by an UNTIL one second before that occurrence (UTC form; for all-day events the date form, through
 * the previous local day). Null when the split is at the first occurrence: the whole series moves.
 */
export function truncateRruleBefore(rrule: string, occurrenceOriginalStart: Date, timeZone: string,
  seriesStart: Date, { allDay = false }: { allDay?: boolean } = {}): string | null {
  const p = parseRrule(rrule);
  assertZone(timeZone);
  const at = occurrenceOriginalStart.getTime();
  if (Number.isNaN(at) || Number.isNaN(seriesStart.getTime())) fail('occurrence and series starts must be valid dates');
  if (at <= seriesStart.getTime()) return null;
  const until = allDay ? formatFloatingDate(toFloating(at, timeZone) - MS_PER_DAY) : formatUtcDateTime(at - 1000);
  return [...p.parts.filter(([n]) => n !== 'COUNT' && n !== 'UNTIL').map(([n, v]) => `${n}=${v}`), `UNTIL=${until}`].join(';');
}

/**
 * For a COUNT-limited series split at `occurrenceOriginalStart`: how many occurrences remain from there on
 * (COUNT minus the occurrences before the split, cancelled ones included). Null when the rule has no COUNT.
 */
export function remainingCount(rrule: string, seriesStart: Date, timeZone: string, occurrenceOriginalStart: Date): number | null {
  const p = parseRrule(rrule);
  assertZone(timeZone);
  if (p.count === null) return null;
  const at = occurrenceOriginalStart.getTime();
  let before = 0;
  const map = floatingMapper(timeZone);
  walk(p, toFloating(seriesStart.getTime(), timeZone), null, toFloating(at, timeZone) + 2 * MS_PER_DAY, (t, index) => {
    const s = index === 0 ? seriesStart.getTime() : map(t);
    if (s >= at) return false;
    before++;
    return true;
  });
  return Math.max(0, p.count - before);
}

/**
 * Both rules of a "this and following" split: `head` for the old series (null: it is replaced entirely) and
 * `tail` for the new series starting at the occurrence (COUNT carried over as the remaining count).
 */
export function splitRrule(rrule: string, opts: { seriesStart: Date; occurrenceStart: Date; timeZone: string; allDay?: boolean }):
  { head: string | null; tail: string } {
  const p = parseRrule(rrule);
  const head = truncateRruleBefore(rrule, opts.occurrenceStart, opts.timeZone, opts.seriesStart, opts);
  const left = remainingCount(rrule, opts.seriesStart, opts.timeZone, opts.occurrenceStart);
  if (left === 0) fail('The occurrence is after the end of the series');
  const tail = p.parts.map(([n, v]) => `${n}=${n === 'COUNT' ? left : v}`).join(';');
  return { head, tail };
}
