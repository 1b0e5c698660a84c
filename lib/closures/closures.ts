import "server-only";
import { z } from "zod";
import { requireStaff, type Actor } from "@/lib/auth/actor";
import { db } from "@/lib/db/client";
import { badRequest, notFound, parseInput } from "@/lib/errors";
import { resolveTimes } from "@/lib/events/event-input";
import { addDays } from "@/lib/time/zones";
import { requireAdmin } from "@/lib/resources/resources";

/**
 * Closures of the organisation (holidays, training days), absences of a clinician or room, and weekly
 * working hours (issue 11). Administrators keep them; the calendar shows them as background and the write
 * paths warn about bookings into them (closure-warnings.ts).
 */
export interface ClosureSummary {
  id: string;
  /** Null: the whole organisation. */
  resourceId: string | null;
  title: string;
  /** Dates (end exclusive) when all-day, else ISO-8601 instants in the asked zone. */
  start: string;
  end: string;
  allDay: boolean;
}

export interface WorkingHoursEntry {
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  /** "HH:MM", local to the organisation. */
  start: string;
  end: string;
}

const id = z.uuid({ message: "must be an id (UUID)" });
const HHMM = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;

const createClosureSchema = z
  .object({
    title: z.string().trim().min(1, "is required").max(120, "may be at most 120 characters"),
    start: z.string().max(40),
    end: z.string().max(40),
    allDay: z.boolean().default(true),
    resourceId: id.nullable().optional(),
  })
  .strict();

const hoursSchema = z
  .object({
    resourceId: id,
    hours: z
      .array(
        z
          .object({ weekday: z.number().int().min(0).max(6), start: z.string().regex(HHMM, "must be HH:MM"), end: z.string().regex(HHMM, "must be HH:MM") })
          .refine((h) => h.end > h.start, { message: "end must be after start" }),
      )
      .max(50),
  })
  .strict();

const rangeSchema = z.object({ start: z.date(), end: z.date(), timeZone: z.string(), resourceIds: z.array(id).max(50).optional() });

/** Unknown and foreign clinician or room ids are "not found", as everywhere. */
async function assertOwnResources(orgId: string, ids: string[]): Promise<void> {
  const unique = [...new Set(ids)];
  const [row] = await db().$sql<{ n: number }[]>`SELECT count(*)::int AS n FROM resources WHERE org_id = ${orgId} AND id = ANY(${unique}::uuid[])`;
  if (row?.n !== unique.length) throw notFound("Resource");
}

async function orgTimeZone(orgId: string): Promise<string> {
  const [org] = await db().$sql<{ time_zone: string }[]>`SELECT time_zone FROM organizations WHERE id = ${orgId}`;
  return org!.time_zone;
}

/** A closure or absence: all-day ones take dates (end inclusive for people: the last day closed). */
export async function createClosure(actor: Actor, input: unknown): Promise<string> {
  requireAdmin(actor);
  const data = parseInput(createClosureSchema, input);
  const timeZone = await orgTimeZone(actor.orgId);
  // All-day closures are given by their first and last day; stored as the local midnights around them.
  const end = data.allDay && /^\d{4}-\d{2}-\d{2}$/.test(data.end) ? addDays(data.end, 1) : data.end;
  const { startAt, endAt } = resolveTimes({ start: data.start, end, allDay: data.allDay, timeZone });
  const sql = db().$sql;
  if (data.resourceId) {
    const [resource] = await sql`SELECT 1 FROM resources WHERE id = ${data.resourceId} AND org_id = ${actor.orgId}`;
    if (!resource) throw notFound("Resource");
  }
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO closures (org_id, resource_id, title, start_at, end_at, all_day, created_by)
    VALUES (${actor.orgId}, ${data.resourceId ?? null}, ${data.title}, ${startAt.toISOString()}, ${endAt.toISOString()}, ${data.allDay}, ${actor.userId})
    RETURNING id`;
  return row!.id;
}

export async function deleteClosure(actor: Actor, input: unknown): Promise<void> {
  requireAdmin(actor);
  const { closureId } = parseInput(z.object({ closureId: id }).strict(), input);
  const rows = await db().$sql`DELETE FROM closures WHERE id = ${closureId} AND org_id = ${actor.orgId} RETURNING id`;
  if (rows.length === 0) throw notFound("Closure");
}

/** Closures overlapping [start, end): the organisation's, and the given resources' absences (all, without). */
export async function listClosures(actor: Actor, range: { start: Date; end: Date; timeZone: string; resourceIds?: string[] }): Promise<ClosureSummary[]> {
  requireStaff(actor);
  const { start, end, timeZone, resourceIds } = parseInput(rangeSchema, range);
  const sql = db().$sql;
  if (resourceIds?.length) await assertOwnResources(actor.orgId, resourceIds);
  const whose = resourceIds ? sql`AND (c.resource_id IS NULL OR c.resource_id = ANY(${resourceIds}::uuid[]))` : sql``;
  const rows = await sql<ClosureSummary[]>`
    SELECT c.id, c.resource_id AS "resourceId", c.title, c.all_day AS "allDay",
           CASE WHEN c.all_day THEN to_char(c.start_at AT TIME ZONE org.time_zone, 'YYYY-MM-DD') ELSE iso_local(c.start_at, ${timeZone}) END AS start,
           CASE WHEN c.all_day THEN to_char(c.end_at AT TIME ZONE org.time_zone, 'YYYY-MM-DD') ELSE iso_local(c.end_at, ${timeZone}) END AS "end"
    FROM closures c JOIN organizations org ON org.id = c.org_id
    WHERE c.org_id = ${actor.orgId} AND c.start_at < ${end.toISOString()} AND c.end_at > ${start.toISOString()} ${whose}
    ORDER BY c.start_at LIMIT 500`;
  return rows.map((r) => ({ ...r }));
}

export async function getWorkingHours(actor: Actor, resourceIds: string[]): Promise<Record<string, WorkingHoursEntry[]>> {
  requireStaff(actor);
  const ids = parseInput(z.array(id).max(50), resourceIds);
  await assertOwnResources(actor.orgId, ids);
  const rows = await db().$sql<(WorkingHoursEntry & { resourceId: string })[]>`
    SELECT resource_id AS "resourceId", weekday, to_char(start_time, 'HH24:MI') AS start,
           CASE WHEN end_time = '24:00' THEN '24:00' ELSE to_char(end_time, 'HH24:MI') END AS "end"
    FROM working_hours WHERE org_id = ${actor.orgId} AND resource_id = ANY(${ids}::uuid[])
    ORDER BY resource_id, weekday, start_time`;
  const out: Record<string, WorkingHoursEntry[]> = {};
  for (const r of rows) (out[r.resourceId] ??= []).push({ weekday: r.weekday, start: r.start, end: r.end });
  return out;
}

/** Replaces a clinician's (or room's) weekly hours; an empty list means "no limits". */
export async function setWorkingHours(actor: Actor, input: unknown): Promise<void> {
  requireAdmin(actor);
  const { resourceId, hours } = parseInput(hoursSchema, input);
  await db().$sql.begin(async (tx) => {
    const [resource] = await tx`SELECT 1 FROM resources WHERE id = ${resourceId} AND org_id = ${actor.orgId} FOR UPDATE`;
    if (!resource) throw notFound("Resource");
    await tx`DELETE FROM working_hours WHERE resource_id = ${resourceId}`;
    for (const h of hours) {
      if (h.end <= h.start) throw badRequest("Working hours must end after they start");
      await tx`INSERT INTO working_hours (org_id, resource_id, weekday, start_time, end_time)
               VALUES (${actor.orgId}, ${resourceId}, ${h.weekday}, ${h.start}, ${h.end})`;
    }
  });
}
