"use server";

import { getActor } from "@/lib/auth/get-actor";
import { AppError } from "@/lib/errors";
import { createEvent } from "@/lib/events/create-event";
import { deleteEvent, type DeleteRequest } from "@/lib/events/delete-event";
import type { EventInput, EventPatch, SchedulingConflict } from "@/lib/events/types";
import { updateEvent } from "@/lib/events/update-event";

/** What the calendar shows after a change: done, or why not (with the conflicts to warn about). */
export type MutationResult =
  | { ok: true; eventId: string | null }
  | { ok: false; code: string; message: string; conflicts?: SchedulingConflict[] };

/** Thin: authenticate, let lib validate and scope, map domain errors into a result the UI shows. */
async function run(work: () => Promise<string | null>): Promise<MutationResult> {
  try {
    return { ok: true, eventId: await work() };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const conflicts = error.details?.conflicts as SchedulingConflict[] | undefined;
    const message =
      error.code === "version_conflict" ? "Someone else changed this appointment meanwhile. The calendar has been reloaded; try again." : error.message;
    return { ok: false, code: error.code, message, ...(conflicts ? { conflicts } : {}) };
  }
}

export async function createEventAction(input: EventInput): Promise<MutationResult> {
  return run(async () => (await createEvent(await getActor(), input)).id);
}

export async function updateEventAction(eventId: string, patch: EventPatch): Promise<MutationResult> {
  return run(async () => (await updateEvent(await getActor(), eventId, patch)).id);
}

export async function deleteEventAction(eventId: string, request: DeleteRequest): Promise<MutationResult> {
  return run(async () => {
    await deleteEvent(await getActor(), eventId, request);
    return null;
  });
}
