import "server-only";
import { eq, inArray, lt, and, isNotNull } from "drizzle-orm";
import { Temporal } from "temporal-polyfill";
import { hashPassword } from "@/lib/auth/passwords";
import { db } from "@/lib/db/client";
import { cohortMembers, cohorts, eventExceptions, eventPatients, events, organizations, patients, users } from "@/lib/db/schema";
import { horizonFrom, HORIZON_TOP_UP_WEEKS } from "@/lib/events/horizon";
import { materializeEvent, type ExceptionRow } from "@/lib/events/materialize";
import { zonedInstant } from "@/lib/time/zones";
import { DEMO_PASSWORD, demoPlan, patientColor, patientNameFor, type PlannedSeries } from "./demo-plan";

const DAY_NUMBER = { MO: 1, TU: 2, WE: 3, TH: 4, FR: 5 } as const;
const DEMO_SLUGS = demoPlan.map((org) => org.slug);

/** The first date on or after `from` that falls on the series' first weekday. */
function firstDate(from: Temporal.PlainDate, series: PlannedSeries): string {
  const wanted = DAY_NUMBER[series.days[0]!];
  return from.add({ days: (wanted - from.dayOfWeek + 7) % 7 }).toString();
}

export async function demoIsSeeded(): Promise<boolean> {
  const rows = await db().select({ id: organizations.id }).from(organizations).where(inArray(organizations.slug, DEMO_SLUGS));
  return rows.length > 0;
}

/** Seeds every demo organisation in one transaction: all or nothing. */
export async function seedDemo(now: Date, log: (line: string) => void): Promise<void> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const until = horizonFrom(now);
  await db().transaction(async (tx) => {
    for (const plan of demoPlan) {
      const [org] = await tx.insert(organizations).values({ name: plan.name, slug: plan.slug, timeZone: plan.timeZone }).returning();
      if (!org) throw new Error(`could not create ${plan.name}`);
      const patientRows = await tx
        .insert(patients)
        .values(
          Array.from({ length: plan.patientCount }, (_, i) => ({
            orgId: org.id,
            externalId: `${plan.slug}-${String(i + 1).padStart(4, "0")}`,
            name: patientNameFor(plan.slug, i),
            color: patientColor(i),
          })),
        )
        .returning({ id: patients.id });
      const patientId = (i: number) => patientRows[i]!.id;

      await tx.insert(users).values(
        plan.accounts.map((account) => ({
          orgId: org.id,
          email: account.email,
          name: account.name,
          role: account.role,
          passwordHash,
          patientId: account.patient === undefined ? null : patientId(account.patient),
        })),
      );
      for (const cohort of plan.cohorts) {
        const [row] = await tx.insert(cohorts).values({ orgId: org.id, name: cohort.name }).returning();
        await tx.insert(cohortMembers).values(cohort.patients.map((i) => ({ cohortId: row!.id, patientId: patientId(i) })));
      }

      const seedDay = Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO(plan.timeZone).toPlainDate();
      const from = seedDay.subtract({ weeks: 8 });
      let count = 0;
      for (const [n, series] of plan.series.entries()) {
        const date = firstDate(from, series);
        const startAt = zonedInstant(date, series.time, plan.timeZone);
        const interval = series.intervalWeeks ? `;INTERVAL=${series.intervalWeeks}` : "";
        const [event] = await tx
          .insert(events)
          .values({
            orgId: org.id,
            title: series.title,
            location: series.location,
            startAt,
            endAt: new Date(startAt.getTime() + series.minutes * 60_000),
            timeZone: plan.timeZone,
            rrule: `FREQ=WEEKLY${interval};BYDAY=${series.days.join(",")}`,
          })
          .returning();
        const ids = series.patients.map(patientId);
        await tx.insert(eventPatients).values(ids.map((id) => ({ eventId: event!.id, patientId: id })));
        count += await materializeEvent(tx, event!, ids, [], until);
        if ((n + 1) % 50 === 0 || n + 1 === plan.series.length) {
          log(`${plan.name}: ${n + 1}/${plan.series.length} series, ${count} occurrences`);
        }
      }
    }
  });
}

/**
 * Extends the demo organisations' open-ended series when fewer than HORIZON_TOP_UP_WEEKS of appointments
 * remain, so a long-lived demo calendar is never empty. Returns how many series were extended.
 */
export async function topUpDemo(now: Date): Promise<number> {
  const threshold = new Date(now.getTime() + HORIZON_TOP_UP_WEEKS * 7 * 86_400_000);
  const stale = await db()
    .select({ event: events })
    .from(events)
    .innerJoin(organizations, eq(organizations.id, events.orgId))
    .where(and(inArray(organizations.slug, DEMO_SLUGS), isNotNull(events.rrule), lt(events.materializedUntil, threshold)));
  const until = horizonFrom(now);
  for (const { event } of stale) {
    await db().transaction(async (tx) => {
      const links = await tx.select({ id: eventPatients.patientId }).from(eventPatients).where(eq(eventPatients.eventId, event.id));
      const exceptions: ExceptionRow[] = await tx.select().from(eventExceptions).where(eq(eventExceptions.eventId, event.id));
      await materializeEvent(tx, event, links.map((l) => l.id), exceptions, until, event.materializedUntil ?? event.startAt);
    });
  }
  return stale.length;
}
