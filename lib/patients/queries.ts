import "server-only";
import { z } from "zod";
import { isStaff, requireStaff, type Actor } from "@/lib/auth/actor";
import { db } from "@/lib/db/client";
import { badRequest, invalidInput, notFound } from "@/lib/errors";

/** What the UI needs of a patient: a name to show and the colour their appointments carry. */
export interface PatientSummary {
  id: string;
  name: string;
  color: string;
  /** Present (true) only for an archived patient: their history still shows on calendars. */
  archived?: true;
}

export interface PatientPage {
  patients: PatientSummary[];
  /** Pass back as `after` for the next page; null on the last page. */
  next: string | null;
}

export const PAGE_SIZE = 50;
export const MAX_LOOKUP = 5000;

const searchSchema = z.object({
  q: z.string().trim().max(100).default(""),
  cohortId: z.uuid({ message: "must be a cohort id (UUID)" }).optional(),
  // Keyset cursor "name\u0000id": paging stays one index range scan however deep the list goes.
  after: z.string().max(300).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(PAGE_SIZE),
  // A cohort calendar's legend lists archived members too (their history stays on it); pickers never do.
  archived: z.enum(["exclude", "include"], { message: 'must be "exclude" or "include"' }).default("exclude"),
});

const requirePatientStaff = (actor: Actor) => requireStaff(actor, "Only staff can list patients");

/**
 * Patients of the actor's organisation whose name contains `q`, by name, one page at a time (the picker
 * stays fast with thousands: the server searches and pages, the browser never holds the whole list).
 * With `cohortId`, only that cohort's members (a foreign cohort is "not found").
 */
export async function searchPatients(actor: Actor, input: unknown): Promise<PatientPage> {
  requirePatientStaff(actor);
  const parsed = searchSchema.safeParse(input);
  if (!parsed.success) throw invalidInput(parsed.error);
  const { q, cohortId, after, limit, archived } = parsed.data;
  if (archived === "include" && !cohortId) throw badRequest("archived=include lists a cohort's members: give a cohort");
  const sql = db().$sql;
  if (cohortId) {
    const [cohort] = await sql`SELECT 1 FROM cohorts WHERE id = ${cohortId} AND org_id = ${actor.orgId}`;
    if (!cohort) throw notFound("Cohort");
  }
  const [afterName, afterId] = after ? after.split("\u0000") : [];
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await sql<SummaryRow[]>`
    SELECT p.id, p.name, p.color, p.archived_at IS NOT NULL AS archived FROM patients p
    ${cohortId ? sql`JOIN cohort_members m ON m.patient_id = p.id AND m.cohort_id = ${cohortId}` : sql``}
    WHERE p.org_id = ${actor.orgId} ${archived === "include" ? sql`` : sql`AND p.archived_at IS NULL`}
      ${q ? sql`AND p.name ILIKE ${pattern}` : sql``}
      ${afterName !== undefined && afterId ? sql`AND (p.name, p.id) > (${afterName}, ${afterId}::uuid)` : sql``}
    ORDER BY p.name, p.id
    LIMIT ${limit + 1}`;
  const page = rows.slice(0, limit).map(summary);
  const last = page.at(-1);
  return { patients: page, next: rows.length > limit && last ? `${last.name}\u0000${last.id}` : null };
}

const idsSchema = z.array(z.uuid({ message: "must be patient ids (UUIDs)" })).max(MAX_LOOKUP);

/**
 * Names and colours of the given patients of the actor's organisation (legend, event colours, a link's
 * selection). Unknown and foreign ids are left out rather than reported: the feed has already checked them.
 * A patient may look up only themselves.
 */
export async function lookupPatients(actor: Actor, ids: unknown): Promise<PatientSummary[]> {
  const parsed = idsSchema.safeParse(ids);
  if (!parsed.success) throw invalidInput(parsed.error);
  const wanted = isStaff(actor) ? parsed.data : parsed.data.filter((id) => id === actor.patientId);
  if (wanted.length === 0) return [];
  const rows = await db().$sql<SummaryRow[]>`
    SELECT id, name, color, archived_at IS NOT NULL AS archived FROM patients
    WHERE org_id = ${actor.orgId} AND id = ANY(${[...new Set(wanted)]}::uuid[])
    ORDER BY name, id`;
  return rows.map(summary);
}

type SummaryRow = Omit<PatientSummary, "archived"> & { archived: boolean };
const summary = (r: SummaryRow): PatientSummary => ({ id: r.id, name: r.name, color: r.color, ...(r.archived ? { archived: true as const } : {}) });
