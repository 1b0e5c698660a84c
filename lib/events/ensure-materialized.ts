import "server-only";
import { and, eq, isNotNull, isNull, lt, or, sql } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { eventExceptions, eventPatients, events, indexOutbox } from "@/lib/db/schema";
import { currentOccurrences, type Tx } from "./event-store";
import { HORIZON_TOP_UP_WEEKS, HORIZON_WEEKS } from "./horizon";
import { syncEventAfterCommit } from "./index/sync-event";
import { materializeEvent } from "./materialize";

const WEEK_MS = 7 * 86_400_000;
/** Series are materialised a little past what is asked, so neighbouring windows need no work. */
const EXTRA_MS = 8 * WEEK_MS;

/**
 * Open-ended series are materialised up to a rolling horizon. A read beyond it extends the series of the
 * organisation that fall short first, so the range query stays one index scan and never comes back empty.
 * Reads within the horizon (the common case) skip the check without asking Postgres.
 */
export async function ensureMaterialized(orgId: string, end: Date, now = new Date()): Promise<void> {
  if (end.getTime() <= now.getTime() + (HORIZON_WEEKS - HORIZON_TOP_UP_WEEKS) * WEEK_MS) return;
  const short = await db()
    .select({ id: events.id })
    .from(events)
    .where(
      and(
        eq(events.orgId, orgId),
        isNotNull(events.rrule),
        lt(events.materializedUntil, end),
        or(isNull(events.seriesEnd), sql`${events.seriesEnd} > ${events.materializedUntil}`),
      ),
    );
  const until = new Date(end.getTime() + EXTRA_MS);
  for (const { id } of short) {
    const extended = await extendSeries(id, until);
    if (extended) await syncEventAfterCommit(orgId, id);
  }
}

/**
 * Materialises one series further (under its row lock, so concurrent readers extend it once). `guard`
 * runs first inside the transaction and may throw to abort it (the horizon job's fencing check).
 */
export async function extendSeries(eventId: string, until: Date, options: { guard?: (tx: Tx) => Promise<void> } = {}): Promise<boolean> {
  return db().transaction(async (tx) => {
    await options.guard?.(tx);
    return extendSeriesInTx(tx, eventId, until);
  });
}

/**
 * The same inside the caller's transaction: a booking of a clinician or room extends the series that
 * share them, so the exclusion constraints see every occurrence the booking could overlap.
 */
export async function extendSeriesInTx(tx: Tx, eventId: string, until: Date, options: { strict?: boolean } = {}): Promise<boolean> {
  const [event] = await tx.select().from(events).where(eq(events.id, eventId)).for("update");
  if (!event?.rrule || !event.materializedUntil || event.materializedUntil >= until) return false;
  const previous = await currentOccurrences(tx, eventId);
  const [bumped] = await tx
    .update(events)
    .set({ revision: sql`${events.revision} + 1` })
    .where(eq(events.id, eventId))
    .returning();
  const links = await tx.select({ id: eventPatients.patientId }).from(eventPatients).where(eq(eventPatients.eventId, eventId));
  const exceptions = await tx.select().from(eventExceptions).where(eq(eventExceptions.eventId, eventId));
  await materializeEvent(tx, bumped!, links.map((l) => l.id), exceptions, until, event.materializedUntil, !options.strict);
  await tx.insert(indexOutbox).values({ orgId: event.orgId, eventId, version: bumped!.revision, previous });
  return true;
}
