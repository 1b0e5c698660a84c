import "server-only";
import { eq } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { eventExceptions, eventPatients, events } from "@/lib/db/schema";
import { horizonFrom } from "@/lib/events/horizon";
import { materializeEvent } from "@/lib/events/materialize";

/**
 * Adds an exception to a series (cancelled, or moved/retitled) straight in Postgres and re-materialises it,
 * for read-side tests that must not depend on the editing engine.
 */
export async function addTestException(
  eventId: string,
  exception: { originalStart: Date; cancelled?: boolean; start?: Date; end?: Date; title?: string },
): Promise<void> {
  await db().transaction(async (tx) => {
    await tx.insert(eventExceptions).values({
      eventId,
      originalStart: exception.originalStart,
      cancelled: exception.cancelled ?? false,
      startAt: exception.start ?? null,
      endAt: exception.end ?? null,
      title: exception.title ?? null,
    });
    const [event] = await tx.select().from(events).where(eq(events.id, eventId));
    const patients = await tx.select().from(eventPatients).where(eq(eventPatients.eventId, eventId));
    const exceptions = await tx.select().from(eventExceptions).where(eq(eventExceptions.eventId, eventId));
    await materializeEvent(tx, event!, patients.map((p) => p.patientId), exceptions, horizonFrom(new Date()));
  });
}
