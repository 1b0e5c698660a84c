import "server-only";
import { db } from "@/lib/db/client";
import { DEFAULT_REMINDER_MINUTES, MAX_OCCURRENCE_DAYS } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { composeAgenda, composePatientReminder, type ComposedMail } from "./compose";
import { patientDueMs, type ReminderRef } from "./identity";
import { agendaWindow, isSuperseded } from "./schedule";
import { iso } from "./sql-time";

/**
 * What a reminder amounts to at the moment of delivery, read from Postgres. The schedule in Redis only
 * says when to look: this check is what guarantees that nothing is sent for an occurrence that was
 * cancelled or moved, a patient who was taken off the appointment or archived, or lead times that were
 * changed since it was scheduled.
 */
export type LoadedReminder =
  | { state: "invalid"; reason: string }
  | { state: "expired"; dueMs: number }
  | { state: "superseded"; dueMs: number }
  | { state: "early"; dueMs: number }
  | { state: "ready"; dueMs: number; to: string; fromName: string; mail: ComposedMail };

export async function loadReminder(orgId: string, ref: ReminderRef, nowMs: number): Promise<LoadedReminder> {
  return ref.kind === "patient" ? loadPatientReminder(orgId, ref, nowMs) : loadAgenda(orgId, ref, nowMs);
}

async function loadPatientReminder(orgId: string, ref: Extract<ReminderRef, { kind: "patient" }>, nowMs: number): Promise<LoadedReminder> {
  const [row] = await db().$sql<
    {
      start_ms: string;
      end_at: string;
      all_day: boolean;
      time_zone: string;
      title: string;
      location: string | null;
      recurring: boolean;
      email: string;
      reader_zone: string;
      org_name: string;
      offsets: number[];
    }[]
  >`
    SELECT (extract(epoch FROM o.start_at) * 1000)::bigint::text AS start_ms, o.end_at, o.all_day, o.time_zone, o.title,
           o.location, o.recurring, p.email, coalesce(p.time_zone, org.time_zone) AS reader_zone, org.name AS org_name,
           coalesce(er.minutes_before, rs.minutes_before, ${DEFAULT_REMINDER_MINUTES}::int[]) AS offsets
    FROM occurrences o
    JOIN organizations org ON org.id = o.org_id
    JOIN patients p ON p.id = ${ref.patientId} AND p.org_id = o.org_id
    LEFT JOIN event_reminders er ON er.event_id = o.event_id
    LEFT JOIN reminder_settings rs ON rs.org_id = o.org_id
    WHERE o.event_id = ${ref.eventId} AND o.original_start = ${iso(ref.originalStartMs)} AND o.org_id = ${orgId}
      AND ${ref.patientId}::uuid = ANY(o.patient_ids) AND p.archived_at IS NULL AND p.email IS NOT NULL
      AND o.status <> 'cancelled'`;
  if (!row) return { state: "invalid", reason: "occurrence cancelled, or patient no longer on it" };
  if (Number(row.start_ms) !== ref.startMs) return { state: "invalid", reason: "occurrence moved" };
  if (!row.offsets.includes(ref.minutesBefore)) return { state: "invalid", reason: "lead time no longer configured" };

  const dueMs = patientDueMs(ref);
  if (nowMs >= ref.startMs) return { state: "expired", dueMs };
  if (nowMs < dueMs) return { state: "early", dueMs };
  if (isSuperseded(ref, row.offsets, nowMs)) return { state: "superseded", dueMs };
  const mail = composePatientReminder(
    {
      orgName: row.org_name,
      eventId: ref.eventId,
      originalStart: new Date(ref.originalStartMs),
      recurring: row.recurring,
      title: row.title,
      location: row.location,
      start: new Date(ref.startMs),
      end: new Date(row.end_at),
      allDay: row.all_day,
      eventTimeZone: row.time_zone,
      timeZone: row.reader_zone,
    },
    new Date(dueMs),
  );
  return { state: "ready", dueMs, to: row.email, fromName: row.org_name, mail };
}

const AGENDA_LIMIT = 500;

async function loadAgenda(orgId: string, ref: Extract<ReminderRef, { kind: "agenda" }>, nowMs: number): Promise<LoadedReminder> {
  const sql = db().$sql;
  const [sub] = await sql<{ send_at: string; cohort_id: string | null; cohort_name: string | null; email: string; zone: string; org_name: string }[]>`
    SELECT s.send_at, s.cohort_id, c.name AS cohort_name, u.email, coalesce(u.time_zone, org.time_zone) AS zone, org.name AS org_name
    FROM agenda_subscriptions s
    JOIN users u ON u.id = s.user_id AND u.org_id = s.org_id
    JOIN organizations org ON org.id = s.org_id
    LEFT JOIN cohorts c ON c.id = s.cohort_id
    WHERE s.user_id = ${ref.userId} AND s.org_id = ${orgId} AND u.disabled_at IS NULL`;
  if (!sub) return { state: "invalid", reason: "agenda subscription ended" };
  const { dueMs, endMs } = agendaWindow(ref.date, sub.send_at, sub.zone);
  if (nowMs >= endMs) return { state: "expired", dueMs };
  if (nowMs < dueMs) return { state: "early", dueMs };

  const dayStart = agendaWindow(ref.date, "00:00", sub.zone).dueMs;
  const items = await sql<{ start_at: string; end_at: string; all_day: boolean; title: string; location: string | null; patients: number }[]>`
    SELECT o.start_at, o.end_at, o.all_day, o.title, o.location,
           (SELECT count(*) FROM unnest(o.patient_ids) AS pid
            WHERE ${sub.cohort_id}::uuid IS NULL
               OR pid IN (SELECT m.patient_id FROM cohort_members m WHERE m.cohort_id = ${sub.cohort_id}::uuid))::int AS patients
    FROM occurrences o
    WHERE o.org_id = ${orgId}
      AND o.start_at >= ${iso(dayStart)}::timestamptz - ${`${MAX_OCCURRENCE_DAYS} days`}::interval
      AND o.start_at < ${iso(endMs)} AND o.end_at > ${iso(dayStart)} AND o.status <> 'cancelled'
    ORDER BY o.start_at, o.event_id
    LIMIT ${AGENDA_LIMIT}`;
  const mail = composeAgenda({
    orgName: sub.org_name,
    scope: sub.cohort_name ?? "all patients",
    date: ref.date,
    timeZone: sub.zone,
    items: items
      .filter((i) => i.patients > 0)
      .map((i) => ({ start: new Date(i.start_at), end: new Date(i.end_at), allDay: i.all_day, title: i.title, location: i.location, patients: i.patients })),
    calendarUrl: `${env().NEXTAUTH_URL}/calendar`,
  });
  return { state: "ready", dueMs, to: sub.email, fromName: sub.org_name, mail };
}
