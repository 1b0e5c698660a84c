"use server";

import { revalidatePath } from "next/cache";
import type { Actor } from "@/lib/auth/actor";
import { authorizeAction } from "@/lib/auth/authorize";
import { createClosure, deleteClosure, setWorkingHours } from "@/lib/closures/closures";
import { AppError } from "@/lib/errors";
import { createAppointmentType, createResource, updateAppointmentType, updateResource } from "@/lib/resources/resources";

export type SetupResult = { ok: true } | { ok: false; message: string };

/** Thin: Origin, session, role (administrators) and budget; lib validates and scopes; errors become a message. */
async function run(work: (actor: Actor) => Promise<unknown>): Promise<SetupResult> {
  try {
    await work(await authorizeAction({ roles: ["admin"] }));
    revalidatePath("/clinic");
    return { ok: true };
  } catch (error) {
    if (error instanceof AppError) return { ok: false, message: error.message };
    throw error;
  }
}

export async function createResourceAction(input: { kind: "clinician" | "room"; name: string; userId?: string | null }) {
  return run((actor) => createResource(actor, input));
}

export async function updateResourceAction(input: { resourceId: string; name?: string; color?: string; archived?: boolean }) {
  return run((actor) => updateResource(actor, input));
}

export async function createTypeAction(input: { name: string; durationMinutes: number; color?: string }) {
  return run((actor) => createAppointmentType(actor, input));
}

export async function updateTypeAction(input: { typeId: string; name?: string; durationMinutes?: number; color?: string; archived?: boolean }) {
  return run((actor) => updateAppointmentType(actor, input));
}

export async function createClosureAction(input: { title: string; start: string; end: string; allDay: boolean; resourceId?: string | null }) {
  return run((actor) => createClosure(actor, input));
}

export async function deleteClosureAction(closureId: string) {
  return run((actor) => deleteClosure(actor, { closureId }));
}

export async function setWorkingHoursAction(input: { resourceId: string; hours: { weekday: number; start: string; end: string }[] }) {
  return run((actor) => setWorkingHours(actor, input));
}
