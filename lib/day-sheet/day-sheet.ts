import "server-only";
import { z } from "zod";
import { requireStaff, type Actor } from "@/lib/auth/actor";
import { db } from "@/lib/db/client";
import { shownDespiteArchiving } from "@/lib/events/archive-cutoffs";
import type { AppointmentStatus } from "@/lib/db/schema";
import { parseInput } from "@/lib/errors";
import { addDays, zonedInstant } from "@/lib/time/zones";

/** The printable day sheet (issue 11): one sheet per clinician (or room), the day's appointments on it. */
export interface DaySheetAppointment {
  eventId: string;
  /** Local "HH:MM" in the sheet's zone; "All day" entries have none. */
  start: string | null;
  end: string | null;
  title: string;
  patients: string[];
  type: string | null;
  status: AppointmentStatus;
  statusReason: string | null;
  notes: string | null;
  location: string | null;
  /** The other resource: the room on a clinician's sheet, the clinician on a room's. */
  other: string | null;
}

export interface DaySheet {
  resource: { id: string; name: string; kind: "clinician" | "room" };
  appointments: DaySheetAppointment[];
}

const schema = z
  .object({
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date (YYYY-MM-DD)"),
    kind: z.enum(["clinician", "room"]).default("clinician"),
    resourceId: z.uuid({ message: "must be an id (UUID)" }).optional(),
  })
  .strict();

/**
 * The day's appointments (in the actor's zone) for every active clinician or room, or the one asked for
 * (shown even with an empty day). Cancelled appointments are listed with their reason: the desk needs to
 * know who is not coming. Patients' names are on it: staff only, and never logged.
 */
export async function daySheets(
  actor: Actor,
  input: unknown,
): Promise<{ date: string; kind: "clinician" | "room"; sheets: DaySheet[]; /** Whose appointments are on the sheets (for the audit trail). */ patientIds: string[] }> {
  requireStaff(actor, "Only clinic staff can print day sheets");
  const { date, kind, resourceId } = parseInput(schema, input);
  const from = zonedInstant(date, "00:00", actor.timeZone);
  const to = zonedInstant(addDays(date, 1), "00:00", actor.timeZone);
  const sql = db().$sql;
  const column = sql(kind === "clinician" ? "clinician_id" : "room_id");
  const otherColumn = sql(kind === "clinician" ? "room_id" : "clinician_id");
  const only = resourceId ? sql`AND r.id = ${resourceId}` : sql`AND r.archived_at IS NULL`;

  const rows = await sql<(DaySheetAppointment & { resourceId: string; resourceName: string; allDay: boolean; patientIds: string[] | null })[]>`
    SELECT r.id AS "resourceId", r.name AS "resourceName", o.event_id AS "eventId", o.all_day AS "allDay", o.patient_ids AS "patientIds",
           to_char(o.start_at AT TIME ZONE ${actor.timeZone}, 'HH24:MI') AS start,
           to_char(o.end_at AT TIME ZONE ${actor.timeZone}, 'HH24:MI') AS "end",
           o.title, o.status, o.status_reason AS "statusReason", o.description AS notes, o.location,
           t.name AS type, other.name AS other,
           coalesce((SELECT array_agg(p.name ORDER BY p.name) FROM patients p WHERE p.id = ANY(o.patient_ids)), '{}') AS patients
    FROM resources r
    LEFT JOIN occurrences o ON o.${column} = r.id AND o.start_at < ${to.toISOString()} AND o.end_at > ${from.toISOString()}
      AND o.start_at > ${from.toISOString()}::timestamptz - interval '31 days'
      -- An archived patient's future is off the sheets as it is off the calendars.
      AND ${shownDespiteArchiving(sql)}
    LEFT JOIN appointment_types t ON t.id = o.type_id
    LEFT JOIN resources other ON other.id = o.${otherColumn}
    WHERE r.org_id = ${actor.orgId} AND r.kind = ${kind} ${only}
    ORDER BY r.name, r.id, o.all_day DESC, o.start_at, o.title`;

  const sheets = new Map<string, DaySheet>();
  for (const row of rows) {
    let sheet = sheets.get(row.resourceId);
    if (!sheet) sheets.set(row.resourceId, (sheet = { resource: { id: row.resourceId, name: row.resourceName, kind }, appointments: [] }));
    if (!row.eventId) continue;
    sheet.appointments.push({
      eventId: row.eventId,
      start: row.allDay ? null : row.start,
      end: row.allDay ? null : row.end,
      title: row.title,
      patients: [...row.patients],
      type: row.type,
      status: row.status,
      statusReason: row.statusReason,
      notes: row.notes,
      location: row.location,
      other: row.other,
    });
  }
  // Without a chosen resource, only those with appointments that day get a page.
  const list = [...sheets.values()].filter((s) => resourceId || s.appointments.length > 0);
  const patientIds = [...new Set(rows.flatMap((r) => r.patientIds ?? []))];
  return { date, kind, sheets: list, patientIds };
}
