import "server-only";
import { z } from "zod";
import { badRequest, forbidden, isUniqueViolation, notFound, parseInput } from "@/lib/errors";
import { requireStaff, type Actor } from "@/lib/auth/actor";
import { db } from "@/lib/db/client";

/** Clinicians and rooms (issue 11) and appointment types: what the calendar's pickers and legends show. */
export interface ResourceSummary {
  id: string;
  kind: "clinician" | "room";
  name: string;
  color: string;
  userId: string | null;
  archived: boolean;
}

export interface AppointmentTypeSummary {
  id: string;
  name: string;
  durationMinutes: number;
  color: string;
  archived: boolean;
}

export interface ClinicDirectory {
  clinicians: ResourceSummary[];
  rooms: ResourceSummary[];
  types: AppointmentTypeSummary[];
}

const COLOR = /^#[0-9a-f]{6}$/i;
const id = z.uuid({ message: "must be an id (UUID)" });
const name = z.string().trim().min(1, "is required").max(80, "may be at most 80 characters");
const color = z.string().regex(COLOR, "must be a colour like #1a73e8");

const createResourceSchema = z.object({ kind: z.enum(["clinician", "room"]), name, color: color.optional(), userId: id.nullable().optional() }).strict();
const updateResourceSchema = z.object({ resourceId: id, name: name.optional(), color: color.optional(), archived: z.boolean().optional() }).strict();
const createTypeSchema = z.object({ name, durationMinutes: z.number().int().min(5).max(1440), color: color.optional() }).strict();
const updateTypeSchema = z
  .object({ typeId: id, name: name.optional(), durationMinutes: z.number().int().min(5).max(1440).optional(), color: color.optional(), archived: z.boolean().optional() })
  .strict();

/** Distinct, readable defaults (all reach 4.5:1 against black or white text). */
const PALETTE = ["#1a73e8", "#188038", "#c5221f", "#e37400", "#9334e6", "#007b83", "#b80672", "#5f6368"];
const pick = (n: number) => PALETTE[n % PALETTE.length]!;

export function requireAdmin(actor: Actor, message = "Only administrators can change the clinic's setup"): void {
  if (actor.role !== "admin") throw forbidden(message);
}


/** Everything the calendar needs to name and colour clinicians, rooms and types (staff). */
export async function clinicDirectory(actor: Actor, options: { includeArchived?: boolean } = {}): Promise<ClinicDirectory> {
  requireStaff(actor);
  const sql = db().$sql;
  const archived = options.includeArchived ? sql`` : sql`AND archived_at IS NULL`;
  const resources = await sql<ResourceSummary[]>`
    SELECT id, kind, name, color, user_id AS "userId", archived_at IS NOT NULL AS archived
    FROM resources WHERE org_id = ${actor.orgId} ${archived} ORDER BY kind, name`;
  const types = await sql<AppointmentTypeSummary[]>`
    SELECT id, name, duration_minutes AS "durationMinutes", color, archived_at IS NOT NULL AS archived
    FROM appointment_types WHERE org_id = ${actor.orgId} ${archived} ORDER BY name`;
  const plain = <T extends object>(rows: T[]) => rows.map((r) => ({ ...r }));
  return {
    clinicians: plain(resources.filter((r) => r.kind === "clinician")),
    rooms: plain(resources.filter((r) => r.kind === "room")),
    types: plain(types),
  };
}

export async function createResource(actor: Actor, input: unknown): Promise<ResourceSummary> {
  requireAdmin(actor);
  const data = parseInput(createResourceSchema, input);
  const sql = db().$sql;
  if (data.userId) {
    if (data.kind !== "clinician") throw badRequest("Only a clinician can be linked to a staff login");
    const [user] = await sql`SELECT 1 FROM users WHERE id = ${data.userId} AND org_id = ${actor.orgId} AND role IN ('admin', 'staff')`;
    if (!user) throw notFound("Staff user");
  }
  try {
    const [count] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM resources WHERE org_id = ${actor.orgId}`;
    const [row] = await sql<ResourceSummary[]>`
      INSERT INTO resources (org_id, kind, name, color, user_id)
      VALUES (${actor.orgId}, ${data.kind}, ${data.name}, ${data.color ?? pick(count?.n ?? 0)}, ${data.userId ?? null})
      RETURNING id, kind, name, color, user_id AS "userId", false AS archived`;
    return { ...row! };
  } catch (error) {
    if (isUniqueViolation(error)) throw badRequest(`A ${data.kind} named "${data.name}" already exists`);
    throw error;
  }
}

/** Renames, recolours, archives or restores a clinician or room (archived ones keep their appointments). */
export async function updateResource(actor: Actor, input: unknown): Promise<void> {
  requireAdmin(actor);
  const data = parseInput(updateResourceSchema, input);
  const sql = db().$sql;
  try {
    const rows = await sql`
      UPDATE resources SET
        name = coalesce(${data.name ?? null}, name),
        color = coalesce(${data.color ?? null}, color),
        archived_at = CASE WHEN ${data.archived ?? null}::boolean IS NULL THEN archived_at
                           WHEN ${data.archived ?? null}::boolean THEN coalesce(archived_at, now()) ELSE NULL END
      WHERE id = ${data.resourceId} AND org_id = ${actor.orgId} RETURNING id`;
    if (rows.length === 0) throw notFound("Resource");
  } catch (error) {
    if (isUniqueViolation(error)) throw badRequest(`That name is already taken`);
    throw error;
  }
}

export async function createAppointmentType(actor: Actor, input: unknown): Promise<AppointmentTypeSummary> {
  requireAdmin(actor);
  const data = parseInput(createTypeSchema, input);
  const sql = db().$sql;
  try {
    const [count] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM appointment_types WHERE org_id = ${actor.orgId}`;
    const [row] = await sql<AppointmentTypeSummary[]>`
      INSERT INTO appointment_types (org_id, name, duration_minutes, color)
      VALUES (${actor.orgId}, ${data.name}, ${data.durationMinutes}, ${data.color ?? pick((count?.n ?? 0) + 3)})
      RETURNING id, name, duration_minutes AS "durationMinutes", color, false AS archived`;
    return { ...row! };
  } catch (error) {
    if (isUniqueViolation(error)) throw badRequest(`An appointment type named "${data.name}" already exists`);
    throw error;
  }
}

export async function updateAppointmentType(actor: Actor, input: unknown): Promise<void> {
  requireAdmin(actor);
  const data = parseInput(updateTypeSchema, input);
  try {
    const rows = await db().$sql`
      UPDATE appointment_types SET
        name = coalesce(${data.name ?? null}, name),
        duration_minutes = coalesce(${data.durationMinutes ?? null}::int, duration_minutes),
        color = coalesce(${data.color ?? null}, color),
        archived_at = CASE WHEN ${data.archived ?? null}::boolean IS NULL THEN archived_at
                           WHEN ${data.archived ?? null}::boolean THEN coalesce(archived_at, now()) ELSE NULL END
      WHERE id = ${data.typeId} AND org_id = ${actor.orgId} RETURNING id`;
    if (rows.length === 0) throw notFound("Appointment type");
  } catch (error) {
    if (isUniqueViolation(error)) throw badRequest(`That name is already taken`);
    throw error;
  }
}

/** Staff users an administrator may link to a clinician. */
export async function listStaffUsers(actor: Actor): Promise<{ id: string; name: string }[]> {
  requireAdmin(actor);
  const rows = await db().$sql<{ id: string; name: string }[]>`
    SELECT id, name FROM users WHERE org_id = ${actor.orgId} AND role IN ('admin', 'staff') AND disabled_at IS NULL ORDER BY name`;
  return rows.map((r) => ({ ...r }));
}
