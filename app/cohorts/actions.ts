"use server";

import { revalidatePath } from "next/cache";
import type { Actor } from "@/lib/auth/actor";
import { authorizeAction } from "@/lib/auth/authorize";
import { addCohortMembers, createCohort, deleteCohort, removeCohortMembers, renameCohort } from "@/lib/cohorts/cohorts";
import { AppError } from "@/lib/errors";
import { observeAction } from "@/lib/http/observe-action";

export type ActionResult = { ok: true } | { ok: false; message: string };

/** Thin: authenticate, let lib validate and scope, map domain errors into a message the form shows. */
async function run(work: (actor: Actor) => Promise<unknown>): Promise<ActionResult> {
  return observeAction("cohorts", async () => {
    try {
      await work(await authorizeAction({ roles: ["admin", "staff"] }));
      revalidatePath("/cohorts");
      return { ok: true };
    } catch (error) {
      if (error instanceof AppError) return { ok: false, message: error.message };
      throw error;
    }
  });
}

export async function createCohortAction(name: string) {
  return run((actor) => createCohort(actor, { name }));
}

export async function renameCohortAction(cohortId: string, name: string) {
  return run((actor) => renameCohort(actor, { cohortId, name }));
}

export async function deleteCohortAction(cohortId: string) {
  return run((actor) => deleteCohort(actor, { cohortId }));
}

export async function addMembersAction(cohortId: string, patientIds: string[]) {
  return run((actor) => addCohortMembers(actor, { cohortId, patientIds }));
}

export async function removeMembersAction(cohortId: string, patientIds: string[]) {
  return run((actor) => removeCohortMembers(actor, { cohortId, patientIds }));
}
