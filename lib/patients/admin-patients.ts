import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record";
import { INVITED_PASSWORD_HASH } from "@/lib/auth/passwords";
import { revokeUserSessions } from "@/lib/auth/session-store";
import { db } from "@/lib/db/client";
import { badRequest, forbidden, isUniqueViolation, notFound, parseInput } from "@/lib/errors";
import { patientsChanged } from "./patient-changes";
import { patientFieldsSchema, patientIdSchema, patientListSchema, type PatientFields } from "./patient-input";

/**
 * The admin's patient records: list (server-side search, sort and paging over indexes, so 10,000
 * patients cost what 50 do), one record, create, edit, archive and restore. Admins only; every query
 * is scoped by the admin's organisation, and another organisation's id is "not found".
 */
export const LIST_PAGE_SIZE = 50;

export interface PatientRow {
  id: string;
  name: string;
  dateOfBirth: string | null;
  color: string;
  email: string | null;
  externalId: string | null;
  archived: boolean;
  /** The patient's login: none, invited (no password yet), active or disabled. */
  login: "none" | "invited" | "active" | "disabled";
}

export interface PatientRecord extends PatientRow {
  timeZone: string | null;
  notes: string | null;
  loginUserId: string | null;
  loginEmail: string | null;
}

export interface PatientList {
  patients: PatientRow[];
  total: number;
  page: number;
  pages: number;
}

export const requireAdmin = (actor: Actor) => {
  if (actor.role !== "admin") throw forbidden("Only administrators can do that");
};

/** Staff may view patients (list and record); changes are for admins. */
const requireStaffViewer = (actor: Actor) => {
  if (actor.role !== "admin" && actor.role !== "staff") throw forbidden("Only clinic staff can view patients");
};

const INVITED = INVITED_PASSWORD_HASH;
export { INVITED_PASSWORD_HASH };

const loginState = (sql: ReturnType<typeof db>["$sql"]) => sql`
  CASE WHEN u.id IS NULL THEN 'none' WHEN u.disabled_at IS NOT NULL THEN 'disabled'
       WHEN u.password_hash = ${INVITED} THEN 'invited' ELSE 'active' END`;

export async function listPatientsForAdmin(actor: Actor, input: unknown): Promise<PatientList> {
  requireStaffViewer(actor);
  const { q, sort, dir, page, archived } = parseInput(patientListSchema, input);
  const sql = db().$sql;
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const where = sql`p.org_id = ${actor.orgId}
    ${archived === "active" ? sql`AND p.archived_at IS NULL` : archived === "archived" ? sql`AND p.archived_at IS NOT NULL` : sql``}
    ${q ? sql`AND p.name ILIKE ${pattern}` : sql``}`;
  const direction = dir === "desc" ? sql`DESC` : sql`ASC`;
  // Sorted by an indexed expression, id last: a stable order, one index scan (patients_org_lower_name_idx, _dob_idx).
  const order =
    sort === "dateOfBirth"
      ? sql`p.date_of_birth ${direction} NULLS LAST, p.id ${direction}`
      : sql`lower(p.name) ${direction}, p.id ${direction}`;
  const [counted] = await sql<{ total: number }[]>`SELECT count(*)::int AS total FROM patients p WHERE ${where}`;
  const total = counted?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / LIST_PAGE_SIZE));
  const current = Math.min(page, pages);
  const rows = await sql<(Omit<PatientRow, "archived"> & { archivedAt: Date | null })[]>`
    SELECT p.id, p.name, p.date_of_birth AS "dateOfBirth", p.color, p.email, p.external_id AS "externalId",
           p.archived_at AS "archivedAt", ${loginState(sql)} AS login
    FROM patients p LEFT JOIN users u ON u.patient_id = p.id
    WHERE ${where}
    ORDER BY ${order}
    LIMIT ${LIST_PAGE_SIZE} OFFSET ${(current - 1) * LIST_PAGE_SIZE}`;
  return {
    patients: rows.map(({ archivedAt, ...r }) => ({ ...r, archived: archivedAt !== null })),
    total,
    page: current,
    pages,
  };
}

export async function findPatientForAdmin(actor: Actor, id: string): Promise<PatientRecord> {
  requireStaffViewer(actor);
  if (!patientIdSchema.safeParse(id).success) throw notFound("Patient");
  const sql = db().$sql;
  const [row] = await sql<(Omit<PatientRecord, "archived"> & { archivedAt: Date | null })[]>`
    SELECT p.id, p.name, p.date_of_birth AS "dateOfBirth", p.color, p.email, p.external_id AS "externalId",
           p.time_zone AS "timeZone", p.notes, p.archived_at AS "archivedAt", ${loginState(sql)} AS login,
           u.id AS "loginUserId", u.email AS "loginEmail"
    FROM patients p LEFT JOIN users u ON u.patient_id = p.id
    WHERE p.id = ${id} AND p.org_id = ${actor.orgId}`;
  if (!row) throw notFound("Patient");
  const { archivedAt, ...rest } = row;
  return { ...rest, archived: archivedAt !== null };
}

export interface UpcomingAppointment {
  eventId: string;
  title: string;
  start: string;
  end: string;
  allDay: boolean;
}

/** The patient's next appointments (materialised occurrences from now on), earliest first. */
export async function upcomingAppointments(actor: Actor, id: string, limit = 20): Promise<UpcomingAppointment[]> {
  const patient = await findPatientForAdmin(actor, id);
  return db().$sql<UpcomingAppointment[]>`
    SELECT o.event_id AS "eventId", o.title, iso_local(o.start_at, ${actor.timeZone}) AS start,
           iso_local(o.end_at, ${actor.timeZone}) AS "end", o.all_day AS "allDay"
    FROM occurrence_patients op
    JOIN occurrences o ON o.event_id = op.event_id AND o.original_start = op.original_start
    WHERE op.patient_id = ${patient.id} AND op.start_at >= now() AND o.org_id = ${actor.orgId}
    ORDER BY op.start_at, op.event_id
    LIMIT ${limit}`.then((rows) => rows.map((r) => ({ ...r })));
}

function duplicateExternalId(error: unknown, fields: PatientFields): never {
  if (isUniqueViolation(error)) {
    throw badRequest(`Another patient already has the external id "${fields.externalId}"`);
  }
  throw error;
}

/** The organisation's next palette colour (round robin by patient count) when none is given. */
export async function nextColor(orgId: string, offset = 0): Promise<string> {
  const [row] = await db().$sql<{ palette: string[]; n: number }[]>`
    SELECT o.palette, (SELECT count(*)::int FROM patients WHERE org_id = o.id) AS n FROM organizations o WHERE o.id = ${orgId}`;
  const palette = row?.palette.length ? row.palette : ["#1a73e8"];
  return palette[((row?.n ?? 0) + offset) % palette.length]!;
}

export async function createPatient(actor: Actor, input: unknown, ip: string | null = null): Promise<string> {
  requireAdmin(actor);
  const fields = parseInput(patientFieldsSchema, input);
  const color = fields.color ?? (await nextColor(actor.orgId));
  const sql = db().$sql;
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO patients (org_id, name, date_of_birth, color, time_zone, email, notes, external_id)
    VALUES (${actor.orgId}, ${fields.name}, ${fields.dateOfBirth ?? null}, ${color}, ${fields.timeZone ?? null},
            ${fields.email ?? null}, ${fields.notes ?? null}, ${fields.externalId ?? null})
    RETURNING id`.catch((error: unknown) => duplicateExternalId(error, fields));
  await recordAudit(actor, { action: "patient.create", patientIds: [row!.id], ip });
  return row!.id;
}

/** Replaces the editable fields (a blank optional field clears it); the patient's colour stays unless given. */
export async function updatePatient(actor: Actor, id: string, input: unknown, ip: string | null = null): Promise<void> {
  requireAdmin(actor);
  if (!patientIdSchema.safeParse(id).success) throw notFound("Patient");
  const fields = parseInput(patientFieldsSchema, input);
  const sql = db().$sql;
  const rows = await sql`
    UPDATE patients SET name = ${fields.name}, date_of_birth = ${fields.dateOfBirth ?? null},
      color = coalesce(${fields.color ?? null}, color), time_zone = ${fields.timeZone ?? null},
      email = ${fields.email ?? null}, notes = ${fields.notes ?? null}, external_id = ${fields.externalId ?? null},
      updated_at = now()
    WHERE id = ${id} AND org_id = ${actor.orgId}
    RETURNING id`.catch((error: unknown) => duplicateExternalId(error, fields));
  if (rows.length === 0) throw notFound("Patient");
  await patientsChanged(actor.orgId, [id], "updated");
  // Which fields changed is enough for the trail; their values (names, notes) are patient data.
  await recordAudit(actor, { action: "patient.update", patientIds: [id], ip });
}

/**
 * Archives (or restores) a patient: they leave the pickers and the cohort views at once; their history
 * stays (events, the audit trail, an explicit look at the patient). Archiving also disables their login
 * and ends its sessions (restoring leaves the login disabled: enabling it again is a separate decision).
 */
export async function setPatientArchived(actor: Actor, id: string, archived: boolean, ip: string | null = null): Promise<void> {
  requireAdmin(actor);
  if (!patientIdSchema.safeParse(id).success) throw notFound("Patient");
  const sql = db().$sql;
  const logins = await sql.begin(async (tx) => {
    const rows = await tx`
      UPDATE patients SET archived_at = CASE WHEN ${archived}::boolean THEN coalesce(archived_at, now()) END, updated_at = now()
      WHERE id = ${id} AND org_id = ${actor.orgId} RETURNING id`;
    if (rows.length === 0) throw notFound("Patient");
    if (!archived) return [];
    return tx<{ id: string }[]>`
      UPDATE users SET disabled_at = coalesce(disabled_at, now())
      WHERE patient_id = ${id} AND org_id = ${actor.orgId} RETURNING id`;
  });
  for (const login of logins as { id: string }[]) await revokeUserSessions(login.id);
  await patientsChanged(actor.orgId, [id], "archived");
  await recordAudit(actor, { action: archived ? "patient.archive" : "patient.restore", patientIds: [id], ip });
}
