import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import { db, type Database } from "@/lib/db/client";
import { agendaSubscriptions, cohorts, DEFAULT_REMINDER_MINUTES, eventReminders, reminderSettings, users } from "@/lib/db/schema";
import { badRequest, describeZodError, forbidden, notFound } from "@/lib/errors";
import { minutesBeforeSchema, type EventRemindersInput } from "./input";

export { eventRemindersSchema, MAX_REMINDER_MINUTES, minutesBeforeSchema, type EventRemindersInput } from "./input";

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

function requireAdmin(actor: Actor): void {
  if (actor.role !== "admin") throw forbidden("Only administrators can change reminder settings");
}

export async function orgReminderMinutes(orgId: string): Promise<number[]> {
  const [row] = await db().select().from(reminderSettings).where(eq(reminderSettings.orgId, orgId));
  return row?.minutesBefore ?? DEFAULT_REMINDER_MINUTES;
}

export async function setOrgReminderMinutes(actor: Actor, minutes: number[]): Promise<number[]> {
  requireAdmin(actor);
  const parsed = minutesBeforeSchema.safeParse(minutes);
  if (!parsed.success) throw badRequest(`minutesBefore: ${describeZodError(parsed.error)}`);
  const list = parsed.data;
  await db()
    .insert(reminderSettings)
    .values({ orgId: actor.orgId, minutesBefore: list })
    .onConflictDoUpdate({ target: reminderSettings.orgId, set: { minutesBefore: list, updatedAt: sql`now()` } });
  return list;
}

/** Saves an event's own reminders in the caller's transaction (null: back to the organisation's). */
export async function saveEventReminders(tx: Tx, orgId: string, eventId: string, value: EventRemindersInput): Promise<void> {
  if (value === null) {
    await tx.delete(eventReminders).where(eq(eventReminders.eventId, eventId));
    return;
  }
  await tx
    .insert(eventReminders)
    .values({ eventId, orgId, minutesBefore: value.minutesBefore })
    .onConflictDoUpdate({ target: eventReminders.eventId, set: { minutesBefore: value.minutesBefore } });
}

/** A "this and following" split: the new series keeps the old one's reminders. */
export async function copyEventReminders(tx: Tx, fromEventId: string, toEventId: string): Promise<void> {
  await tx.execute(sql`
    INSERT INTO event_reminders (event_id, org_id, minutes_before)
    SELECT ${toEventId}, org_id, minutes_before FROM event_reminders WHERE event_id = ${fromEventId}
    ON CONFLICT (event_id) DO NOTHING`);
}

/** An event's own reminders, or null when it follows the organisation's defaults. */
export async function eventReminderMinutes(orgId: string, eventId: string, database: Database | Tx = db()): Promise<number[] | null> {
  const [row] = await database
    .select({ minutes: eventReminders.minutesBefore })
    .from(eventReminders)
    .where(and(eq(eventReminders.eventId, eventId), eq(eventReminders.orgId, orgId)));
  return row?.minutes ?? null;
}

const sendAtSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a time such as 07:00");

export interface AgendaSubscription {
  userId: string;
  userName: string;
  cohortId: string | null;
  cohortName: string | null;
  sendAt: string;
}

export async function listAgendaSubscriptions(actor: Actor): Promise<AgendaSubscription[]> {
  requireAdmin(actor);
  return db()
    .select({
      userId: agendaSubscriptions.userId,
      userName: users.name,
      cohortId: agendaSubscriptions.cohortId,
      cohortName: cohorts.name,
      sendAt: agendaSubscriptions.sendAt,
    })
    .from(agendaSubscriptions)
    .innerJoin(users, eq(users.id, agendaSubscriptions.userId))
    .leftJoin(cohorts, eq(cohorts.id, agendaSubscriptions.cohortId))
    .where(eq(agendaSubscriptions.orgId, actor.orgId))
    .orderBy(users.name);
}

/**
 * Subscribes a staff member (or admin) to the daily agenda of one cohort or (null) the whole organisation.
 * Admins manage anyone's; staff only their own.
 */
export async function setAgendaSubscription(
  actor: Actor,
  input: { userId: string; cohortId: string | null; sendAt: string },
): Promise<void> {
  if (actor.role === "patient" || (actor.role !== "admin" && input.userId !== actor.userId)) throw forbidden();
  const parsedTime = sendAtSchema.safeParse(input.sendAt);
  if (!parsedTime.success) throw badRequest(`sendAt: ${describeZodError(parsedTime.error)}`);
  const sendAt = parsedTime.data;
  const [user] = await db()
    .select({ role: users.role })
    .from(users)
    .where(and(eq(users.id, input.userId), eq(users.orgId, actor.orgId)));
  if (!user || user.role === "patient") throw notFound("Staff member");
  if (input.cohortId) {
    const [cohort] = await db()
      .select({ id: cohorts.id })
      .from(cohorts)
      .where(and(eq(cohorts.id, input.cohortId), eq(cohorts.orgId, actor.orgId)));
    if (!cohort) throw notFound("Cohort");
  }
  await db()
    .insert(agendaSubscriptions)
    .values({ userId: input.userId, orgId: actor.orgId, cohortId: input.cohortId, sendAt })
    .onConflictDoUpdate({ target: agendaSubscriptions.userId, set: { cohortId: input.cohortId, sendAt } });
}

export async function removeAgendaSubscription(actor: Actor, userId: string): Promise<void> {
  if (actor.role === "patient" || (actor.role !== "admin" && userId !== actor.userId)) throw forbidden();
  const removed = await db()
    .delete(agendaSubscriptions)
    .where(and(eq(agendaSubscriptions.userId, userId), eq(agendaSubscriptions.orgId, actor.orgId)))
    .returning({ userId: agendaSubscriptions.userId });
  if (removed.length === 0) throw notFound("Agenda subscription");
}

/** Who can get an agenda (staff and admins) and of what (cohorts), for the admin form. */
export async function agendaChoices(actor: Actor): Promise<{ staff: { id: string; name: string }[]; cohorts: { id: string; name: string }[] }> {
  requireAdmin(actor);
  const staff = await db()
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(and(eq(users.orgId, actor.orgId), sql`${users.role} <> 'patient'`, sql`${users.disabledAt} IS NULL`))
    .orderBy(users.name);
  const list = await db().select({ id: cohorts.id, name: cohorts.name }).from(cohorts).where(eq(cohorts.orgId, actor.orgId)).orderBy(cohorts.name);
  return { staff, cohorts: list };
}
