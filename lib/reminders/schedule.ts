import "server-only";
import { db } from "@/lib/db/client";
import { DEFAULT_REMINDER_MINUTES } from "@/lib/db/schema";
import { addDays, localDate, zonedInstant } from "@/lib/time/zones";
import { scheduleMembers } from "./broker";
import { encodeMember, patientDueMs, reminderId, type ReminderRef } from "./identity";
import { iso } from "./sql-time";

/**
 * The schedule is derived, never authored: what is due comes from the materialised occurrences, the
 * settings and the patients in Postgres; the ledger (reminder_deliveries) says what is already done.
 * A pass adds to an organisation's Redis schedule every reminder that is deliverable and due within the
 * look-ahead, so a lost or evicted Redis is whole again after one pass. Adding is idempotent (ZADD NX:
 * a member already scheduled, in flight or waiting for a retry keeps its score).
 */
export interface Candidate {
  member: string;
  /** When it should be handed to the stream: its due time, or its next attempt after a failure. */
  atMs: number;
}

const MINUTE = 60_000;

/**
 * Patient reminders of an organisation (or one event of it) that are due by `untilMs` for occurrences
 * that have not begun. Where several lead times of one appointment are already due (it was booked late,
 * or the worker was away), only the latest applies: one "in 2 hours" rather than a "tomorrow" as well.
 */
async function patientCandidates(orgId: string, nowMs: number, untilMs: number, eventId?: string): Promise<ReminderRef[]> {
  const sql = db().$sql;
  // The longest lead time first, as a constant: it bounds the index range scan below (a join-time bound
  // would scan every materialised occurrence of the organisation).
  const [lead] = await sql<{ minutes: number }[]>`
    SELECT greatest(
      (SELECT coalesce(max(m), 0) FROM unnest(coalesce(
        (SELECT minutes_before FROM reminder_settings WHERE org_id = ${orgId}), ${DEFAULT_REMINDER_MINUTES}::int[])) m),
      (SELECT coalesce(max(m), 0) FROM event_reminders er, unnest(er.minutes_before) m WHERE er.org_id = ${orgId}))::int AS minutes`;
  const horizonMs = untilMs + (lead?.minutes ?? 0) * MINUTE;
  const rows = await sql<{ event_id: string; os_ms: string; start_ms: string; patient_id: string; minutes: number; offsets: number[] }[]>`
    WITH org AS (
      SELECT coalesce((SELECT minutes_before FROM reminder_settings WHERE org_id = ${orgId}), ${DEFAULT_REMINDER_MINUTES}::int[]) AS minutes
    )
    SELECT o.event_id, (extract(epoch FROM o.original_start) * 1000)::bigint::text AS os_ms,
           (extract(epoch FROM o.start_at) * 1000)::bigint::text AS start_ms, p.id AS patient_id, m.minutes,
           coalesce(er.minutes_before, org.minutes) AS offsets
    FROM occurrences o
    CROSS JOIN org
    LEFT JOIN event_reminders er ON er.event_id = o.event_id
    CROSS JOIN LATERAL unnest(coalesce(er.minutes_before, org.minutes)) AS m(minutes)
    JOIN patients p ON p.id = ANY(o.patient_ids) AND p.org_id = o.org_id AND p.email IS NOT NULL AND p.archived_at IS NULL
    WHERE o.org_id = ${orgId}
      AND o.start_at > ${iso(nowMs)}::timestamptz
      AND o.start_at <= ${iso(horizonMs)}::timestamptz
      -- A cancelled occurrence (issue 11) is not coming: nobody is reminded of it.
      AND o.status <> 'cancelled'
      AND o.start_at - m.minutes * interval '1 minute' <= ${iso(untilMs)}::timestamptz
      ${eventId ? sql`AND o.event_id = ${eventId}` : sql``}`;
  const refs: ReminderRef[] = [];
  for (const r of rows) {
    const ref = {
      kind: "patient" as const,
      eventId: r.event_id,
      originalStartMs: Number(r.os_ms),
      startMs: Number(r.start_ms),
      patientId: r.patient_id,
      minutesBefore: r.minutes,
    };
    if (!isSuperseded(ref, r.offsets, nowMs)) refs.push(ref);
  }
  return refs;
}

/** A due reminder is superseded when a shorter lead time of the same appointment is due as well. */
export function isSuperseded(ref: { startMs: number; minutesBefore: number }, offsets: number[], nowMs: number): boolean {
  return offsets.some((m) => m < ref.minutesBefore && ref.startMs - m * MINUTE <= nowMs);
}

/** When an agenda for a local date is sent, and until when it is still worth sending (the day's end). */
export function agendaWindow(date: string, sendAt: string, timeZone: string): { dueMs: number; endMs: number } {
  return {
    dueMs: zonedInstant(date, sendAt, timeZone).getTime(),
    endMs: zonedInstant(addDays(date, 1), "00:00", timeZone).getTime(),
  };
}

/** Daily agendas of the organisation's subscribed staff that are due by `untilMs` (today's or tomorrow's). */
async function agendaCandidates(orgId: string, nowMs: number, untilMs: number): Promise<(ReminderRef & { dueMs: number })[]> {
  const rows = await db().$sql<{ user_id: string; send_at: string; time_zone: string }[]>`
    SELECT s.user_id, s.send_at, coalesce(u.time_zone, o.time_zone) AS time_zone
    FROM agenda_subscriptions s JOIN users u ON u.id = s.user_id JOIN organizations o ON o.id = s.org_id
    WHERE s.org_id = ${orgId} AND u.disabled_at IS NULL AND u.org_id = s.org_id`;
  const out: (ReminderRef & { dueMs: number })[] = [];
  for (const row of rows) {
    const today = localDate(new Date(nowMs), row.time_zone);
    for (const date of [today, addDays(today, 1)]) {
      const { dueMs, endMs } = agendaWindow(date, row.send_at, row.time_zone);
      if (dueMs <= untilMs && nowMs < endMs) out.push({ kind: "agenda", userId: row.user_id, date, dueMs });
    }
  }
  return out;
}

/**
 * Everything the organisation's schedule should hold now, with the ledger applied: finished reminders
 * are left out; failed ones come back at their next attempt; those a worker holds come back when its
 * lease runs out (should it have died).
 */
export async function scheduleCandidates(orgId: string, nowMs: number, lookaheadMs: number, eventId?: string): Promise<Candidate[]> {
  const untilMs = nowMs + lookaheadMs;
  const refs: { ref: ReminderRef; dueMs: number }[] = (await patientCandidates(orgId, nowMs, untilMs, eventId)).map((ref) => ({
    ref,
    dueMs: patientDueMs(ref as { startMs: number; minutesBefore: number }),
  }));
  if (!eventId) for (const a of await agendaCandidates(orgId, nowMs, untilMs)) refs.push({ ref: a, dueMs: a.dueMs });
  if (refs.length === 0) return [];

  const byId = new Map(refs.map(({ ref, dueMs }) => {
    const member = encodeMember(ref.kind === "agenda" ? { kind: "agenda", userId: ref.userId, date: ref.date } : ref);
    return [reminderId(orgId, member), { member, dueMs }] as const;
  }));
  const ledger = await db().$sql<{ id: string; status: string; next_ms: string | null; lease_ms: string | null }[]>`
    SELECT id, status::text,
           (extract(epoch FROM next_attempt_at) * 1000)::bigint::text AS next_ms,
           (extract(epoch FROM lease_until) * 1000)::bigint::text AS lease_ms
    FROM reminder_deliveries WHERE id = ANY(${[...byId.keys()]}::text[])`;
  const done = new Map(ledger.map((row) => [row.id, row]));

  const out: Candidate[] = [];
  for (const [id, { member, dueMs }] of byId) {
    const row = done.get(id);
    if (!row) out.push({ member, atMs: dueMs });
    else if (row.status === "failed") out.push({ member, atMs: Math.max(dueMs, Number(row.next_ms ?? dueMs)) });
    else if (row.status === "sending") out.push({ member, atMs: Math.max(dueMs, Number(row.lease_ms ?? dueMs)) });
  }
  return out;
}

/** Ledger rows are only needed while a reminder could still be sent; keep three months for the record. */
const LEDGER_KEEP_MS = 90 * 86_400_000;

export async function pruneLedger(orgId: string, nowMs: number): Promise<void> {
  await db().$sql`
    DELETE FROM reminder_deliveries
    WHERE org_id = ${orgId} AND status IN ('sent', 'skipped', 'dead') AND due_at < ${iso(nowMs - LEDGER_KEEP_MS)}`;
}

/** One pass over one organisation (or one of its events): returns how many reminders it (re)scheduled. */
export async function scheduleOrganization(orgId: string, nowMs: number, lookaheadMs: number, eventId?: string): Promise<number> {
  const candidates = await scheduleCandidates(orgId, nowMs, lookaheadMs, eventId);
  if (candidates.length) await scheduleMembers(orgId, candidates);
  return candidates.length;
}

/** The organisations a pass visits: all of them, or the ones a worker was given. */
export async function organizationsToSchedule(only?: string[]): Promise<string[]> {
  if (only) return only;
  const rows = await db().$sql<{ id: string }[]>`SELECT id FROM organizations ORDER BY id`;
  return rows.map((r) => r.id);
}
