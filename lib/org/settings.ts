import "server-only";
import { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import { updateUserSessions } from "@/lib/auth/session-store";
import { recordAudit } from "@/lib/audit/record";
import { db } from "@/lib/db/client";
import { notFound, parseInput } from "@/lib/errors";
import { requireAdmin } from "@/lib/patients/admin-patients";
import { COLOR } from "@/lib/patients/patient-input";
import { isValidTimeZone } from "@/lib/time/zones";
import { dropOrgIndex } from "./drop-org-index";

/** What every calendar of the organisation follows (FullCalendar's firstDay and businessHours). */
export interface CalendarSettings {
  weekStart: number;
  workdayStart: string;
  workdayEnd: string;
  workDays: number[];
}

export interface OrgSettings extends CalendarSettings {
  name: string;
  timeZone: string;
  palette: string[];
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const day = z.coerce.number().int().min(0).max(6);

export const orgSettingsSchema = z
  .object({
    name: z.string().trim().min(1, "is required").max(120, "must be at most 120 characters"),
    timeZone: z.string().trim().refine(isValidTimeZone, "is not a known time zone (e.g. America/New_York)"),
    weekStart: day,
    workdayStart: z.string().regex(HHMM, "must be a time as HH:MM"),
    workdayEnd: z.string().regex(HHMM, "must be a time as HH:MM"),
    workDays: z.array(day).max(7).transform((days) => [...new Set(days)].sort()),
    palette: z
      .array(z.string().trim().regex(COLOR, "must be colours as #rrggbb").transform((c) => c.toLowerCase()))
      .min(1, "needs at least one colour")
      .max(24, "may hold at most 24 colours"),
  })
  .refine((s) => s.workdayEnd > s.workdayStart, { message: "must be after the start of the working day", path: ["workdayEnd"] });

export async function getOrgSettings(orgId: string): Promise<OrgSettings> {
  const [row] = await db().$sql<OrgSettings[]>`
    SELECT name, time_zone AS "timeZone", week_start AS "weekStart", workday_start AS "workdayStart",
           workday_end AS "workdayEnd", work_days AS "workDays", palette
    FROM organizations WHERE id = ${orgId}`;
  if (!row) throw notFound("Organisation");
  return { ...row };
}

/** For every signed-in user's calendar pages: the week start and working hours of their organisation. */
export async function calendarSettings(actor: Actor): Promise<CalendarSettings> {
  const { weekStart, workdayStart, workdayEnd, workDays } = await getOrgSettings(actor.orgId);
  return { weekStart, workdayStart, workdayEnd, workDays };
}

/**
 * Saves the organisation's settings. A new default time zone reaches everyone at once: live sessions are
 * rewritten (users without a zone of their own follow the organisation's), and the Redis index, which
 * holds times pre-formatted in the organisation's zone, is dropped to be rebuilt from Postgres.
 */
export async function updateOrgSettings(actor: Actor, input: unknown, ip: string | null = null): Promise<void> {
  requireAdmin(actor);
  const s = parseInput(orgSettingsSchema, input);
  const sql = db().$sql;
  const [before] = await sql<{ timeZone: string }[]>`SELECT time_zone AS "timeZone" FROM organizations WHERE id = ${actor.orgId}`;
  if (!before) throw notFound("Organisation");
  await sql`
    UPDATE organizations SET name = ${s.name}, time_zone = ${s.timeZone}, week_start = ${s.weekStart},
      workday_start = ${s.workdayStart}, workday_end = ${s.workdayEnd}, work_days = ${s.workDays}::int[], palette = ${s.palette}::text[]
    WHERE id = ${actor.orgId}`;
  const zoneChanged = before.timeZone !== s.timeZone;
  if (zoneChanged) {
    await dropOrgIndex(actor.orgId);
    const users = await sql<{ id: string; ownZone: string | null }[]>`
      SELECT id, time_zone AS "ownZone" FROM users WHERE org_id = ${actor.orgId}`;
    for (const user of users) {
      await updateUserSessions(user.id, { orgTimeZone: s.timeZone, ...(user.ownZone ? {} : { timeZone: s.timeZone }) });
    }
  }
  await recordAudit(actor, { action: "org.settings", ip, details: { timeZoneChanged: zoneChanged } });
}
