"use server";

import { headers } from "next/headers";
import { createEventAudited, deleteEventAudited, updateEventAudited } from "@/lib/audit/audited-events";
import { authorizeAction } from "@/lib/auth/authorize";
import { AppError } from "@/lib/errors";
import type { DeleteRequest } from "@/lib/events/delete-event";
import type { EventInput, EventPatch, SchedulingConflict } from "@/lib/events/types";
import { observeAction } from "@/lib/http/observe-action";
import { clientIp } from "@/lib/http/client-ip";

/** What the calendar shows after a change: done, or why not (with the conflicts to warn about). */
export type MutationResult =
  | { ok: true; eventId: string | null }
  | { ok: false; code: string; message: string; conflicts?: SchedulingConflict[] };

/** Thin: authenticate, let lib validate and scope, map domain errors into a result the UI shows. */
async function run(work: () => Promise<string | null>): Promise<MutationResult> {
  return observeAction("calendar", async () => {
    try {
      return { ok: true, eventId: await work() };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const conflicts = error.details?.conflicts as SchedulingConflict[] | undefined;
      const message =
        error.code === "version_conflict" ? "Someone else changed this appointment meanwhile. The calendar has been reloaded; try again." : error.message;
      return { ok: false, code: error.code, message, ...(conflicts ? { conflicts } : {}) };
    }
  });
}

/** Staff and admins only (Origin, session, role, budget); every change leaves an audit entry. */
const staff = async () => ({ actor: await authorizeAction({ roles: ["admin", "staff"] }), ip: clientIp(await headers()) });

export async function createEventAction(input: EventInput): Promise<MutationResult> {
  return run(async () => {
    const { actor, ip } = await staff();
    return (await createEventAudited(actor, input, ip)).id;
  });
}

export async function updateEventAction(eventId: string, patch: EventPatch): Promise<MutationResult> {
  return run(async () => {
    const { actor, ip } = await staff();
    return (await updateEventAudited(actor, eventId, patch, ip)).id;
  });
}

export async function deleteEventAction(eventId: string, request: DeleteRequest): Promise<MutationResult> {
  return run(async () => {
    const { actor, ip } = await staff();
    await deleteEventAudited(actor, eventId, request, ip);
    return null;
  });
}
