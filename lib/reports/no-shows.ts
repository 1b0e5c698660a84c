import "server-only";
import { z } from "zod";
import { requireStaff, type Actor } from "@/lib/auth/actor";
import { db } from "@/lib/db/client";
import { badRequest, notFound, parseInput } from "@/lib/errors";
import { addDays, zonedInstant } from "@/lib/time/zones";

/** Outcome counts over a period: the no-show rate is no-shows over appointments with a known outcome. */
export interface Outcomes {
  appointments: number;
  attended: number;
  noShows: number;
  cancelled: number;
  /** noShows / (attended + noShows); null while no outcome is recorded. */
  noShowRate: number | null;
}

export interface NoShowReport {
  start: string;
  end: string;
  patients: (Outcomes & { patientId: string; name: string })[];
  total: Outcomes;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const schema = z
  .object({
    start: z.string().regex(DATE, "must be a date (YYYY-MM-DD)"),
    end: z.string().regex(DATE, "must be a date (YYYY-MM-DD), the last day included"),
    cohortId: z.uuid({ message: "must be a cohort id (UUID)" }).optional(),
    patientId: z.uuid({ message: "must be a patient id (UUID)" }).optional(),
  })
  .strict();

const MAX_ROWS = 1000;

/**
 * No-show rates per patient and in total over [start, end] (local days in the actor's zone), for a cohort,
 * one patient, or the whole organisation; counted from Postgres (occurrence_patients by patient and start,
 * statuses on the occurrences), each patient of a group session counted for themself.
 */
export async function noShowReport(actor: Actor, input: unknown): Promise<NoShowReport> {
  requireStaff(actor, "Only clinic staff can see reports");
  const data = parseInput(schema, input);
  if (data.cohortId && data.patientId) throw badRequest("Ask for a cohort or a patient, not both");
  if (data.end < data.start) throw badRequest("end must not be before start");
  const from = zonedInstant(data.start, "00:00", actor.timeZone).toISOString();
  const to = zonedInstant(addDays(data.end, 1), "00:00", actor.timeZone).toISOString();
  const sql = db().$sql;

  if (data.cohortId) {
    const [cohort] = await sql`SELECT 1 FROM cohorts WHERE id = ${data.cohortId} AND org_id = ${actor.orgId}`;
    if (!cohort) throw notFound("Cohort");
  }
  const who = data.cohortId
    ? sql`p.id IN (SELECT patient_id FROM cohort_members WHERE cohort_id = ${data.cohortId})`
    : data.patientId
      ? sql`p.id = ${data.patientId}`
      : sql`true`;

  // One pass: a row per patient and the grand total (GROUPING SETS), so the total is right even when
  // the list of patients is cut at MAX_ROWS.
  const rows = await sql<{ patientId: string | null; name: string | null; appointments: number; attended: number; noShows: number; cancelled: number }[]>`
    SELECT p.id AS "patientId", p.name,
           count(*)::int AS appointments,
           count(*) FILTER (WHERE o.status = 'attended')::int AS attended,
           count(*) FILTER (WHERE o.status = 'no_show')::int AS "noShows",
           count(*) FILTER (WHERE o.status = 'cancelled')::int AS cancelled
    FROM patients p
    JOIN occurrence_patients op ON op.patient_id = p.id AND op.start_at >= ${from} AND op.start_at < ${to}
    JOIN occurrences o ON o.event_id = op.event_id AND o.original_start = op.original_start
    WHERE p.org_id = ${actor.orgId} AND ${who}
    GROUP BY GROUPING SETS ((p.id, p.name), ())
    ORDER BY p.id IS NOT NULL, count(*) FILTER (WHERE o.status = 'no_show') DESC, p.name
    LIMIT ${MAX_ROWS + 1}`;
  const totalRow = rows.find((r) => r.patientId === null);
  const patientRows = rows.filter((r) => r.patientId !== null) as ((typeof rows)[number] & { patientId: string; name: string })[];
  if (data.patientId && patientRows.length === 0) {
    const [patient] = await sql`SELECT 1 FROM patients WHERE id = ${data.patientId} AND org_id = ${actor.orgId}`;
    if (!patient) throw notFound("Patient");
  }

  const rate = (o: Omit<Outcomes, "noShowRate">): Outcomes => ({ ...o, noShowRate: o.attended + o.noShows > 0 ? o.noShows / (o.attended + o.noShows) : null });
  const outcome = (r: typeof totalRow) => rate({ appointments: r?.appointments ?? 0, attended: r?.attended ?? 0, noShows: r?.noShows ?? 0, cancelled: r?.cancelled ?? 0 });
  return {
    start: data.start,
    end: data.end,
    patients: patientRows.map((r) => ({ patientId: r.patientId, name: r.name, ...outcome(r) })),
    total: outcome(totalRow),
  };
}
