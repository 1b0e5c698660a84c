import "server-only";
import { createHash, randomBytes } from "node:crypto";
import type { Actor } from "@/lib/auth/actor";
import { db } from "@/lib/db/client";
import { forbidden } from "@/lib/errors";

/** Only the hash is stored: a database leak does not reveal anyone's feed address. */
export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** 32 random bytes, URL-safe: the feed's only secret, as calendar clients cannot sign in. */
const newToken = () => randomBytes(32).toString("base64url");

export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Issues the patient's feed token, replacing any earlier one (its URL stops working at once). The token
 * itself is returned once and never stored: to see an address again, the patient resets it.
 */
export async function issueCalendarToken(actor: Actor): Promise<string> {
  if (actor.role !== "patient" || !actor.patientId) throw forbidden("Only patients have a calendar feed");
  const token = newToken();
  await db().$sql`
    INSERT INTO calendar_tokens (patient_id, token_hash) VALUES (${actor.patientId}, ${hashToken(token)})
    ON CONFLICT (patient_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = now()`;
  return token;
}

/** When the patient's current token was issued (null: none yet). */
export async function calendarTokenIssuedAt(actor: Actor): Promise<Date | null> {
  if (actor.role !== "patient" || !actor.patientId) return null;
  const [row] = await db().$sql<{ createdAt: string }[]>`
    SELECT created_at AS "createdAt" FROM calendar_tokens WHERE patient_id = ${actor.patientId}`;
  return row ? new Date(row.createdAt) : null;
}

export async function revokeCalendarToken(actor: Actor): Promise<void> {
  if (actor.role !== "patient" || !actor.patientId) throw forbidden("Only patients have a calendar feed");
  await db().$sql`DELETE FROM calendar_tokens WHERE patient_id = ${actor.patientId}`;
}
