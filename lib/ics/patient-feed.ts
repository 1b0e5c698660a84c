import "server-only";
import ical, { type ICalCalendar } from "ical-generator";
import { Temporal } from "temporal-polyfill";
import { db } from "@/lib/db/client";
import { notFound } from "@/lib/errors";
import { hashToken, TOKEN_PATTERN } from "./tokens";
import { vtimezone } from "./vtimezone";

/** Series that ended longer ago than this are left out of feeds (clients keep what they already have). */
const PAST_DAYS = 365;

interface EventRow {
  id: string;
  title: string;
  description: string | null;
  location: string | null;
  startAt: Date;
  endAt: Date;
  allDay: boolean;
  timeZone: string;
  rrule: string | null;
  version: number;
  updatedAt: Date;
  /** Whether the patient takes part in the series itself (else only in some modified occurrences). */
  member: boolean;
  exceptions: ExceptionRow[];
  /** Original starts of occurrences whose status is cancelled: they leave a patient's feed (issue 11). */
  cancelledStarts: string[];
}

interface ExceptionRow {
  originalStart: string;
  cancelled: boolean;
  startAt: string | null;
  endAt: string | null;
  title: string | null;
  description: string | null;
  location: string | null;
  patientIds: string[] | null;
}

const isUtc = (zone: string) => zone === "UTC" || zone === "Etc/UTC";

/** A timed instant as the event's wall-clock time (TZID form), or UTC for UTC events. */
function zoned(instant: Date, timeZone: string) {
  return Temporal.Instant.fromEpochMilliseconds(instant.getTime()).toZonedDateTimeISO(isUtc(timeZone) ? "UTC" : timeZone);
}

/** An all-day boundary (a local midnight) as its calendar date. */
function plainDate(instant: Date, timeZone: string) {
  return zoned(instant, timeZone).toPlainDate();
}

const compact = (text: string) => text.replace(/[-:]/g, "");

/** EXDATE line for the slots an occurrence list drops (RFC 5545: same value type and TZID as DTSTART). */
function exdateLine(event: EventRow, starts: Date[]): string | null {
  if (starts.length === 0) return null;
  if (event.allDay) return `EXDATE;VALUE=DATE:${starts.map((s) => compact(plainDate(s, event.timeZone).toString())).join(",")}`;
  if (isUtc(event.timeZone)) return `EXDATE:${starts.map((s) => `${compact(s.toISOString().slice(0, 19))}Z`).join(",")}`;
  const local = starts.map((s) => compact(zoned(s, event.timeZone).toPlainDateTime().toString({ smallestUnit: "second" })));
  return `EXDATE;TZID=${event.timeZone}:${local.join(",")}`;
}

async function loadPatientEvents(patientId: string): Promise<EventRow[]> {
  const sql = db().$sql;
  const rows = await sql<EventRow[]>`
    SELECT e.id, e.title, e.description, e.location, e.start_at AS "startAt", e.end_at AS "endAt",
           e.all_day AS "allDay", e.time_zone AS "timeZone", e.rrule, e.version, e.updated_at AS "updatedAt",
           EXISTS (SELECT 1 FROM event_patients ep WHERE ep.event_id = e.id AND ep.patient_id = ${patientId}) AS member,
           coalesce((SELECT json_agg(json_build_object(
               'originalStart', x.original_start, 'cancelled', x.cancelled, 'startAt', x.start_at, 'endAt', x.end_at,
               'title', x.title, 'description', x.description, 'location', x.location, 'patientIds', x.patient_ids))
             FROM event_exceptions x WHERE x.event_id = e.id), '[]') AS exceptions,
           coalesce((SELECT json_agg(s.original_start) FROM occurrence_statuses s
             WHERE s.event_id = e.id AND s.status = 'cancelled'), '[]') AS "cancelledStarts"
    FROM events e
    WHERE e.id IN (
        SELECT ep.event_id FROM event_patients ep WHERE ep.patient_id = ${patientId}
        UNION SELECT x.event_id FROM event_exceptions x WHERE ${patientId}::uuid = ANY(x.patient_ids))
      AND (CASE WHEN e.rrule IS NULL THEN e.end_at ELSE coalesce(e.series_end, 'infinity') END)
          > now() - ${`${PAST_DAYS} days`}::interval
    ORDER BY e.start_at, e.id`;
  // Through drizzle's client, timestamps arrive as text.
  return rows.map((r) => ({ ...r, startAt: new Date(r.startAt), endAt: new Date(r.endAt), updatedAt: new Date(r.updatedAt) }));
}

/**
 * A patient's appointments as RFC 5545: one VEVENT per series (RRULE, EXDATE for cancelled occurrences and
 * those the patient was taken out of), one per modified occurrence (RECURRENCE-ID), VTIMEZONE for every
 * TZID. Nothing about other patients appears (no attendees).
 */
export async function buildPatientCalendar(patientId: string, calendarName: string): Promise<ICalCalendar> {
  const calendar = ical({
    name: calendarName,
    prodId: { company: "Cohort Calendar", product: "Appointments", language: "EN" },
    timezone: { name: null, generator: vtimezone },
    ttl: 60 * 15,
  });
  for (const event of await loadPatientEvents(patientId)) {
    const duration = event.endAt.getTime() - event.startAt.getTime();
    const timezone = event.allDay || isUtc(event.timeZone) ? null : event.timeZone;
    const at = (d: Date) => (event.allDay ? plainDate(d, event.timeZone) : zoned(d, event.timeZone));
    const mine = (x: ExceptionRow) => (x.patientIds ? x.patientIds.includes(patientId) : event.member);
    const cancelled = new Set(event.cancelledStarts.map((at) => new Date(at).getTime()));
    const isCancelled = (originalStart: string | Date) => cancelled.has(new Date(originalStart).getTime());
    const common = (x?: ExceptionRow) => ({
      summary: x?.title ?? event.title,
      description: (x ? x.description : null) ?? event.description ?? undefined,
      location: (x ? x.location : null) ?? event.location ?? undefined,
      allDay: event.allDay,
      timezone,
      stamp: event.updatedAt,
      sequence: event.version,
    });
    const uid = `${event.id}@cohort-calendar`;

    if (event.member && !(event.rrule === null && isCancelled(event.startAt))) {
      const droppedAt = new Set([...event.exceptions.filter((x) => x.cancelled || !mine(x)).map((x) => new Date(x.originalStart).getTime()), ...cancelled]);
      const dropped = [...droppedAt].sort((a, b) => a - b).map((at) => new Date(at));
      const rule = event.rrule ? [`RRULE:${event.rrule}`, exdateLine(event, dropped)].filter(Boolean).join("\n") : null;
      calendar.createEvent({ id: uid, start: at(event.startAt), end: at(event.endAt), repeating: rule, ...common() });
    }
    for (const x of event.exceptions) {
      if (x.cancelled || !mine(x) || isCancelled(x.originalStart)) continue;
      const original = new Date(x.originalStart);
      const start = x.startAt ? new Date(x.startAt) : original;
      const end = x.endAt ? new Date(x.endAt) : new Date(start.getTime() + duration);
      const unchanged = !x.startAt && !x.endAt && x.title === null && x.description === null && x.location === null;
      if (event.member && unchanged && (!x.patientIds || x.patientIds.includes(patientId))) continue;
      calendar.createEvent({
        // An occurrence of a series the patient is otherwise not in stands alone (clients drop orphan overrides).
        id: event.member ? uid : `${event.id}-${original.getTime()}@cohort-calendar`,
        recurrenceId: event.member ? at(original) : undefined,
        start: at(start),
        end: at(end),
        ...common(x),
      });
    }
  }
  return calendar;
}

/** The feed behind a token, or "not found" (an unknown, malformed or reset token). */
export async function patientFeedForToken(token: string): Promise<string> {
  if (!TOKEN_PATTERN.test(token)) throw notFound("Calendar");
  const [row] = await db().$sql<{ patientId: string; orgName: string }[]>`
    SELECT t.patient_id AS "patientId", o.name AS "orgName"
    FROM calendar_tokens t JOIN patients p ON p.id = t.patient_id JOIN organizations o ON o.id = p.org_id
    WHERE t.token_hash = ${hashToken(token)} AND p.archived_at IS NULL`;
  if (!row) throw notFound("Calendar");
  const calendar = await buildPatientCalendar(row.patientId, `${row.orgName} appointments`);
  return calendar.toString();
}
