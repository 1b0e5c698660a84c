import "server-only";
import { isStaff, type Actor } from "@/lib/auth/actor";
import type { FeedQuery } from "@/lib/events/feed-query";
import { recordAudit } from "./record";

/**
 * The audit entry of a calendar read: whose events the query covered. Patients read only their own; staff
 * read the patients or the cohort they asked for, or the whole organisation.
 */
export function auditFeedRead(actor: Actor, query: FeedQuery, ip: string): Promise<void> {
  const details = { start: query.start.toISOString(), end: query.end.toISOString() };
  if (!isStaff(actor)) {
    return recordAudit(actor, { action: "events.read", patientIds: actor.patientId ? [actor.patientId] : [], ip, details });
  }
  if (query.cohortId) return recordAudit(actor, { action: "events.read", cohortId: query.cohortId, ip, details });
  if (query.patientIds) return recordAudit(actor, { action: "events.read", patientIds: query.patientIds, ip, details });
  return recordAudit(actor, { action: "events.read", allPatients: true, ip, details });
}
