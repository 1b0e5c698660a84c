import "server-only";
import { randomUUID } from "node:crypto";
import type postgres from "postgres";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { sessionRedis } from "@/lib/redis/client";
import { keys } from "@/lib/redis/keys";

export type AuditAction =
  | "events.read" // a feed or range query (GET /api/events, POST /api/events/query)
  | "event.read" // one event (GET /api/events/:id)
  | "event.create"
  | "event.update"
  | "event.delete"
  | "event.status" // an occurrence's status (booked, confirmed, checked in, attended, no-show, cancelled)
  | "ics.read" // a patient's private ICS feed
  | "password.change"
  | "user.disable"
  | "user.enable"
  | "sessions.revoke"
  // Organisation administration (lib/patients, lib/staff, lib/org, lib/auth/invites)
  | "patient.create"
  | "patient.update"
  | "patient.archive"
  | "patient.restore"
  | "patients.import"
  | "login.invite"
  | "login.reset"
  | "invite.accept"
  | "user.invite"
  | "user.role"
  | "org.settings";

export interface AuditActor {
  /** Null when no user acts (the ICS feed answers a token). */
  userId: string | null;
  orgId: string;
  role: string;
}

export interface AuditInput {
  action: AuditAction;
  /** The patients whose events were read or changed. */
  patientIds?: readonly string[];
  /** The read covered every patient of the organisation (a whole-organisation calendar view). */
  allPatients?: boolean;
  eventId?: string | null;
  /** A cohort read: the consumer records the cohort's members at that moment as the patients. */
  cohortId?: string | null;
  subjectUserId?: string | null;
  /** The client's address: `clientIp(request)` from lib/http/client-ip. */
  ip?: string | null;
  /** Small, non-clinical facts (range, scope, counts). Never titles, names or descriptions. */
  details?: Record<string, string | number | boolean | null>;
}

/** What travels through the stream (JSON in the entry's `e` field) and becomes one audit_log row. */
export interface AuditEntry {
  entryId: string;
  orgId: string;
  occurredAt: string;
  actorUserId: string | null;
  actorRole: string;
  action: AuditAction;
  patientIds: string[];
  allPatients: boolean;
  eventId: string | null;
  cohortId: string | null;
  subjectUserId: string | null;
  ip: string | null;
  details: Record<string, string | number | boolean | null>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Frozen id lists already checked: a remembered feed query's selection (lib/events/feed-query) is audited
 * on every read of it, and a frozen list cannot have changed since.
 */
const checkedLists = new WeakSet<readonly string[]>();

function checkIds(ids: readonly (string | null | undefined)[]): void {
  for (const id of ids) if (id != null && !UUID.test(id)) throw new Error(`recordAudit: "${id}" is not a UUID`);
}

export function auditEntry(actor: AuditActor, input: AuditInput, now = new Date()): AuditEntry {
  // Ids are checked here, where a wrong call is a bug of the caller, not later in the consumer.
  checkIds([actor.orgId, actor.userId, input.eventId, input.cohortId, input.subjectUserId]);
  const patientIds = input.patientIds ?? [];
  if (!checkedLists.has(patientIds)) {
    checkIds(patientIds);
    if (Object.isFrozen(patientIds)) checkedLists.add(patientIds);
  }
  return {
    entryId: randomUUID(),
    orgId: actor.orgId,
    occurredAt: now.toISOString(),
    actorUserId: actor.userId,
    actorRole: actor.role,
    action: input.action,
    patientIds: [...new Set(input.patientIds ?? [])],
    allPatients: input.allPatients ?? false,
    eventId: input.eventId ?? null,
    cohortId: input.cohortId ?? null,
    subjectUserId: input.subjectUserId ?? null,
    ip: input.ip ?? null,
    details: input.details ?? {},
  };
}

/**
 * Records who read or changed which patient's events. Call it after the read or the change succeeded:
 *
 *   await recordAudit(actor, { action: "event.update", eventId, patientIds, ip: clientIp(request) });
 *
 * The request pays one XADD on the session Redis (never evicted, AOF): the audit consumer writes batches to
 * Postgres in the background and acknowledges them only after the commit, so a restart loses nothing. When
 * the stream cannot be written the entry goes straight to Postgres; when neither store takes it, the
 * request fails (503): patient data is not served without a trace.
 */
export async function recordAudit(actor: AuditActor, input: AuditInput, now = new Date()): Promise<void> {
  const entry = auditEntry(actor, input, now);
  try {
    await sessionRedis().xadd(keys.auditStream(), "*", "e", JSON.stringify(entry));
    return;
  } catch (error) {
    logger().warn({ err: { message: error instanceof Error ? error.message : String(error) } }, "audit stream unavailable; writing directly");
  }
  try {
    await insertAuditEntries([entry]);
  } catch (error) {
    throw new AppError("unavailable", "The audit trail is unavailable; try again shortly", {
      cause: error instanceof Error ? error.message : String(error),
    });
  }
}

/**
 * Inserts entries; ones already present (a redelivery) are skipped. The batch travels as one JSON
 * parameter that Postgres unpacks (jsonb_to_recordset): building hundreds of rows of bound parameters
 * cost the consumer more CPU than the insert itself.
 */
export async function insertAuditEntries(entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await auditInsert(entries)(db().$sql);
}

/**
 * The insert as a statement on a given client, so a write can commit its own entry in its transaction
 * (lib/db/pipeline): the entry exists exactly when the change does, at no extra round trip.
 */
export const auditInsert = (entries: AuditEntry[]) => (sql: postgres.Sql) =>
  sql`
    INSERT INTO audit_log (entry_id, org_id, occurred_at, actor_user_id, actor_role, action, patient_ids, all_patients,
                           event_id, cohort_id, subject_user_id, ip, details)
    SELECT e."entryId", e."orgId", e."occurredAt", e."actorUserId", e."actorRole", e.action, e."patientIds", e."allPatients",
           e."eventId", e."cohortId", e."subjectUserId", e.ip, e.details
    FROM jsonb_to_recordset(${JSON.stringify(entries)}::jsonb) AS e(
      "entryId" uuid, "orgId" uuid, "occurredAt" timestamptz, "actorUserId" uuid, "actorRole" text, action text,
      "patientIds" uuid[], "allPatients" boolean, "eventId" uuid, "cohortId" uuid, "subjectUserId" uuid, ip text, details jsonb)
    ON CONFLICT (entry_id) DO NOTHING`;
