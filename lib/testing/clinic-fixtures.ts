import "server-only";
import { db } from "@/lib/db/client";
import { appointmentTypes, closures, resources, workingHours } from "@/lib/db/schema";

/** Clinicians, rooms, appointment types and closures for tests, inserted straight (no admin needed). */
export async function createTestResource(orgId: string, kind: "clinician" | "room", name: string, userId: string | null = null): Promise<string> {
  const [row] = await db()
    .insert(resources)
    .values({ orgId, kind, name, color: kind === "clinician" ? "#188038" : "#9334e6", userId })
    .returning({ id: resources.id });
  return row!.id;
}

export async function createTestAppointmentType(orgId: string, name: string, durationMinutes: number, color = "#c5221f"): Promise<string> {
  const [row] = await db().insert(appointmentTypes).values({ orgId, name, durationMinutes, color }).returning({ id: appointmentTypes.id });
  return row!.id;
}

export async function createTestClosure(orgId: string, input: { title: string; start: Date; end: Date; allDay?: boolean; resourceId?: string }): Promise<string> {
  const [row] = await db()
    .insert(closures)
    .values({ orgId, title: input.title, startAt: input.start, endAt: input.end, allDay: input.allDay ?? true, resourceId: input.resourceId ?? null })
    .returning({ id: closures.id });
  return row!.id;
}

export async function setTestWorkingHours(orgId: string, resourceId: string, hours: { weekday: number; start: string; end: string }[]): Promise<void> {
  await db()
    .insert(workingHours)
    .values(hours.map((h) => ({ orgId, resourceId, weekday: h.weekday, startTime: h.start, endTime: h.end })));
}
