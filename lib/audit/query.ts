import "server-only";
import { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import { db } from "@/lib/db/client";
import { forbidden } from "@/lib/errors";

export const AUDIT_ACTIONS = [
  "events.read",
  "event.read",
  "event.create",
  "event.update",
  "event.delete",
  "ics.read",
  "password.change",
  "user.disable",
  "user.enable",
  "sessions.revoke",
  "patient.create",
  "patient.update",
  "patient.archive",
  "patient.restore",
  "patients.import",
  "login.invite",
  "login.reset",
  "invite.accept",
  "user.invite",
  "user.role",
  "org.settings",
] as const;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** The admin view's filters, from its query string; anything malformed is ignored rather than an error. */
export const auditFiltersSchema = z.object({
  /** A patient's id, or part of their name. */
  patient: z.string().trim().max(200).optional().catch(undefined),
  /** A user's id, or part of their name or e-mail. */
  user: z.string().trim().max(200).optional().catch(undefined),
  action: z.enum(AUDIT_ACTIONS).optional().catch(undefined),
  /** Days (YYYY-MM-DD, UTC), inclusive. */
  from: day.optional().catch(undefined),
  to: day.optional().catch(undefined),
});
export type AuditFilters = z.infer<typeof auditFiltersSchema>;

export interface AuditRow {
  id: number;
  occurredAt: string;
  action: string;
  actorName: string | null;
  actorEmail: string | null;
  actorRole: string;
  allPatients: boolean;
  patientNames: string[];
  patientCount: number;
  eventId: string | null;
  eventTitle: string | null;
  cohortName: string | null;
  subjectName: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The newest audit entries of the admin's organisation (at most `limit`), filtered. Names and titles are
 * looked up now, within the organisation, and returned as plain strings for the page to show as text.
 * A patient filter also matches whole-organisation reads: those covered every patient.
 */
export async function listAuditEntries(actor: Actor, filters: AuditFilters, limit = 200): Promise<AuditRow[]> {
  if (actor.role !== "admin") throw forbidden();
  const sql = db().$sql;
  const org = actor.orgId;
  const like = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

  const patient = filters.patient
    ? UUID.test(filters.patient)
      ? sql`AND (a.all_patients OR a.patient_ids @> ARRAY[${filters.patient}]::uuid[])`
      : sql`AND (a.all_patients OR a.patient_ids && ARRAY(
          SELECT p.id FROM patients p WHERE p.org_id = ${org} AND p.name ILIKE ${like(filters.patient)}))`
    : sql``;
  const user = filters.user
    ? UUID.test(filters.user)
      ? sql`AND a.actor_user_id = ${filters.user}`
      : sql`AND a.actor_user_id IN (SELECT u.id FROM users u WHERE u.org_id = ${org}
          AND (u.name ILIKE ${like(filters.user)} OR u.email ILIKE ${like(filters.user)}))`
    : sql``;
  const action = filters.action ? sql`AND a.action = ${filters.action}` : sql``;
  const from = filters.from ? sql`AND a.occurred_at >= ${filters.from}::date` : sql``;
  const to = filters.to ? sql`AND a.occurred_at < ${filters.to}::date + 1` : sql``;

  const rows = await sql<AuditRow[]>`
    SELECT a.id::int AS "id", to_char(a.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "occurredAt",
      a.action, u.name AS "actorName", u.email AS "actorEmail", a.actor_role AS "actorRole",
      a.all_patients AS "allPatients", cardinality(a.patient_ids) AS "patientCount",
      ARRAY(SELECT p.name FROM patients p WHERE p.org_id = a.org_id AND p.id = ANY(a.patient_ids) ORDER BY p.name LIMIT 5)
        AS "patientNames",
      a.event_id AS "eventId", e.title AS "eventTitle", c.name AS "cohortName", s.name AS "subjectName",
      a.ip, a.details
    FROM audit_log a
    LEFT JOIN users u ON u.id = a.actor_user_id AND u.org_id = a.org_id
    LEFT JOIN events e ON e.id = a.event_id AND e.org_id = a.org_id
    LEFT JOIN cohorts c ON c.id = a.cohort_id AND c.org_id = a.org_id
    LEFT JOIN users s ON s.id = a.subject_user_id AND s.org_id = a.org_id
    WHERE a.org_id = ${org} ${patient} ${user} ${action} ${from} ${to}
    ORDER BY a.occurred_at DESC, a.id DESC
    LIMIT ${limit}`;
  return rows.map((r) => ({ ...r }));
}
