import "server-only";
import { sql } from "drizzle-orm";
import { notFound } from "@/lib/errors";
import type { Tx } from "@/lib/events/event-store";

export interface Assignment {
  clinicianId?: string | null;
  roomId?: string | null;
  typeId?: string | null;
}

/**
 * The clinician, room and type an appointment names must be active ones of the organisation, of the
 * right kind; anything else (unknown, archived, another organisation's, a room given as clinician) is
 * "not found", as for patients.
 */
export async function assertAssignable(tx: Tx, orgId: string, assignment: Assignment): Promise<void> {
  const wanted: [string, "clinician" | "room"][] = [];
  if (assignment.clinicianId) wanted.push([assignment.clinicianId, "clinician"]);
  if (assignment.roomId) wanted.push([assignment.roomId, "room"]);
  for (const [id, kind] of wanted) {
    const rows = await tx.execute(sql`
      SELECT 1 FROM resources WHERE id = ${id} AND org_id = ${orgId} AND kind = ${kind} AND archived_at IS NULL`);
    if (rows.length === 0) throw notFound(kind === "clinician" ? "Clinician" : "Room");
  }
  if (assignment.typeId) {
    const rows = await tx.execute(sql`
      SELECT 1 FROM appointment_types WHERE id = ${assignment.typeId} AND org_id = ${orgId} AND archived_at IS NULL`);
    if (rows.length === 0) throw notFound("Appointment type");
  }
}
