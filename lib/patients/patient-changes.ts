import "server-only";
import { hotWindows } from "@/lib/events/hot-windows";
import { forgetOrgPatientScope } from "@/lib/events/patient-scope";
import type { LiveUpdate } from "@/lib/events/types";
import { logger } from "@/lib/logger";
import { cacheRedis } from "@/lib/redis/client";
import { keys } from "@/lib/redis/keys";

/**
 * After a committed change of patients (not of their events): what every calendar must show at once.
 * Occurrence JSON in the index and the hot windows carries patient ids only, never names or colours, so
 * nothing in Redis needs rewriting for a rename or a recolour: calendars look names up in Postgres
 * (`lookupPatients`). Archiving and restoring change what cohort and organisation views show (an
 * archived patient's future is left out, lib/events/archive-cutoffs.ts): the organisation's cut-offs,
 * cohort members and hot windows are dropped.
 * This instance forgets at once; the others when the message arrives on the organisation's live channel
 * (lib/events/index/live-subscriber.ts), which also tells open calendars to look the patients up again.
 */
/** An empty list of patients means "any of the organisation's". */
export async function patientsChanged(orgId: string, patientIds: string[], kind: "updated" | "archived"): Promise<void> {
  if (kind === "archived") forgetOrgPatientScope(orgId);
  else hotWindows().invalidate(orgId, patientIds);
  // A list of thousands (an import) would make a large message: an empty list means "any patient".
  const update: LiveUpdate = { eventId: "", version: 0, deleted: false, patientIds: patientIds.length > 500 ? [] : patientIds, patient: kind };
  try {
    await cacheRedis().publish(keys.liveChannel(orgId), JSON.stringify(update));
  } catch (error) {
    // Other instances' hot windows expire within 30 s, and they serve nothing while their subscription is down.
    logger().warn({ err: error, orgId }, "patient change not published on the live channel");
  }
}
