"use server";

import { headers } from "next/headers";
import { createEventAudited, deleteEventAudited, setStatusAudited, updateEventAudited } from "@/lib/audit/audited-events";
import { authorizeAction } from "@/lib/auth/authorize";
import { AppError } from "@/lib/errors";
import type { DeleteRequest } from "@/lib/events/delete-event";
import type { AppointmentStatus, ClosureWarning, EventInput, EventPatch, SchedulingConflict } from "@/lib/events/types";
import { observeAction } from "@/lib/http/observe-action";
import { clientIp } from "@/lib/http/client-ip";

/** What the calendar shows after a change: done, or why not (with the conflicts to warn about). */
export type MutationResult =
  | { ok: true; eventId: string | null }
  | {
      ok: false;
      code: string;
      message: string;
      conflicts?: SchedulingConflict[];
      /** A clinician or room is taken: a hard conflict, never booked anyway. */
      resource?: "clinician" | "room";
      /** Occurrences in closures, absences or outside working hours, and whether this user may book them anyway. */
      closures?: ClosureWarning[];
      overridable?: boolean;
    };

/** Thin: authenticate, let lib validate and scope, map domain errors into a result the UI shows. */
async function run(work: () => Promise<string | null>): Promise<MutationResult> {
  return observeAction("calendar", async () => {
    try {
      return { ok: true, eventId: await work() };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const { conflicts, resource, closures, overridable } = (error.details ?? {}) as {
        conflicts?: SchedulingConflict[];
        resource?: "clinician" | "room";
        closures?: ClosureWarning[];
        overridable?: boolean;
      };
      const message =
        error.code === "version_conflict" ? "Someone else changed this appointment meanwhile. The calendar has been reloaded; try again." : error.message;
      return {
        ok: false,
        code: error.code,
        message,
        ...(conflicts ? { conflicts } : {}),
        ...(resource ? { resource } : {}),
        ...(closures ? { closures, overridable: overridable === true } : {}),
      };
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

export async function setStatusAction(eventId: string, input: { occurrenceStart?: string; status: AppointmentStatus; reason?: string }): Promise<MutationResult> {
  return run(async () => {
    const { actor, ip } = await staff();
    return (await setStatusAudited(actor, eventId, input, ip)).eventId;
  });
}
