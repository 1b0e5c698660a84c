import { createHash } from "node:crypto";

/**
 * What a reminder is, as one string: the member of the organisation's schedule (a Redis sorted set), the
 * payload of its stream message, and the source of its idempotency key and Message-ID. Every instance
 * derives the same string from the same Postgres rows, so a rebuilt schedule names the same reminders.
 *
 * A patient reminder names the occurrence by its slot in the series (event, original start) *and* by
 * when it takes place now: moving an occurrence makes a new reminder (the old one no longer matches
 * Postgres and is dropped at delivery), while retitling or relocating it keeps the same one.
 */
export type ReminderRef =
  | { kind: "patient"; eventId: string; originalStartMs: number; startMs: number; patientId: string; minutesBefore: number }
  | { kind: "agenda"; userId: string; date: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INT = /^-?\d{1,15}$/;

export function encodeMember(ref: ReminderRef): string {
  if (ref.kind === "agenda") return `a:${ref.userId}:${ref.date}`;
  return `p:${ref.eventId}:${ref.originalStartMs}:${ref.startMs}:${ref.patientId}:${ref.minutesBefore}`;
}

/** The reminder a member names, or null for anything malformed (never trusted further than this). */
export function decodeMember(member: string): ReminderRef | null {
  const parts = member.split(":");
  if (parts[0] === "a" && parts.length === 3 && UUID.test(parts[1]!) && DATE.test(parts[2]!)) {
    return { kind: "agenda", userId: parts[1]!, date: parts[2]! };
  }
  if (parts[0] !== "p" || parts.length !== 6) return null;
  const [, eventId, originalStart, start, patientId, minutes] = parts as [string, string, string, string, string, string];
  if (!UUID.test(eventId) || !UUID.test(patientId) || !INT.test(originalStart) || !INT.test(start) || !INT.test(minutes)) return null;
  return {
    kind: "patient",
    eventId,
    originalStartMs: Number(originalStart),
    startMs: Number(start),
    patientId,
    minutesBefore: Number(minutes),
  };
}

/** When a patient reminder is due. */
export const patientDueMs = (ref: { startMs: number; minutesBefore: number }) => ref.startMs - ref.minutesBefore * 60_000;

/** The idempotency key recorded in Postgres: one per (organisation, reminder), whoever delivers it. */
export function reminderId(orgId: string, member: string): string {
  return createHash("sha256").update(`${orgId}|${member}`).digest("hex").slice(0, 40);
}

/**
 * The e-mail's Message-ID: fixed per reminder, so a retry after an unknown outcome (a worker that died
 * inside the SMTP transaction) is the same message to every mail client, which shows it once.
 */
export function messageIdFor(id: string, fromAddress: string): string {
  const domain = fromAddress.slice(fromAddress.lastIndexOf("@") + 1) || "cohort-calendar.invalid";
  return `<reminder.${id}@${domain}>`;
}
