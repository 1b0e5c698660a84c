import { createHash } from "node:crypto";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { cacheRedis, sessionRedis } from "@/lib/redis/client";
import { keys } from "@/lib/redis/keys";

/**
 * A fingerprint of everything two organisations own, in Postgres and in Redis, for "nothing changed"
 * assertions. Session records are compared without their sliding fields (lastSeenAt): the attacking
 * users' own sessions slide with every request they make, which is no change of anyone's data.
 */
export async function tenantState(orgIds: string[], userIds: string[]): Promise<Record<string, string>> {
  const sql = db().$sql;
  const digest = async (name: string, query: Promise<{ d: string | null }[]>) => [name, (await query)[0]?.d ?? ""] as const;
  const tables = await Promise.all([
    digest("users", sql`SELECT md5(string_agg(u::text, '|' ORDER BY id)) AS d FROM users u WHERE org_id = ANY(${orgIds}::uuid[])`),
    digest("patients", sql`SELECT md5(string_agg(p::text, '|' ORDER BY id)) AS d FROM patients p WHERE org_id = ANY(${orgIds}::uuid[])`),
    digest("cohorts", sql`SELECT md5(string_agg(c::text, '|' ORDER BY id)) AS d FROM cohorts c WHERE org_id = ANY(${orgIds}::uuid[])`),
    digest("cohort_members", sql`SELECT md5(string_agg(m::text, '|' ORDER BY m.cohort_id, m.patient_id)) AS d
      FROM cohort_members m JOIN cohorts c ON c.id = m.cohort_id WHERE c.org_id = ANY(${orgIds}::uuid[])`),
    digest("events", sql`SELECT md5(string_agg(e::text, '|' ORDER BY id)) AS d FROM events e WHERE org_id = ANY(${orgIds}::uuid[])`),
    digest("event_patients", sql`SELECT md5(string_agg(x::text, '|' ORDER BY x.event_id, x.patient_id)) AS d
      FROM event_patients x JOIN events e ON e.id = x.event_id WHERE e.org_id = ANY(${orgIds}::uuid[])`),
    digest("event_exceptions", sql`SELECT md5(string_agg(x::text, '|' ORDER BY x.event_id, x.original_start)) AS d
      FROM event_exceptions x JOIN events e ON e.id = x.event_id WHERE e.org_id = ANY(${orgIds}::uuid[])`),
    digest("occurrences", sql`SELECT md5(string_agg(o::text, '|' ORDER BY event_id, original_start)) AS d FROM occurrences o WHERE org_id = ANY(${orgIds}::uuid[])`),
    digest("calendar_tokens", sql`SELECT md5(string_agg(t::text, '|' ORDER BY t.patient_id)) AS d
      FROM calendar_tokens t JOIN patients p ON p.id = t.patient_id WHERE p.org_id = ANY(${orgIds}::uuid[])`),
    digest("organizations", sql`SELECT md5(string_agg(o::text, '|' ORDER BY id)) AS d FROM organizations o WHERE id = ANY(${orgIds}::uuid[])`),
    // The reminder ledger (reminder_deliveries) and schedule are left out: the reminder worker derives them
    // from the events in the background, on its own time; the events themselves are compared above.
    ...["reminder_settings", "event_reminders", "agenda_subscriptions", "user_invites"].map((table) =>
      digest(table, sql`SELECT md5(string_agg(r::text, '|' ORDER BY r::text)) AS d FROM ${sql(table)} r WHERE org_id = ANY(${orgIds}::uuid[])`),
    ),
  ]);
  const state: Record<string, string> = Object.fromEntries(tables);

  // The organisations' Redis keys (index sets, event records, watermarks), by content.
  const cache = cacheRedis();
  for (const orgId of orgIds) {
    const found: string[] = [];
    let cursor = "0";
    do {
      const [next, batch] = await cache.scan(cursor, "MATCH", `${env().REDIS_KEY_PREFIX}*{${orgId}}*`, "COUNT", 1000);
      cursor = next;
      found.push(...batch.filter((k) => !k.includes(":lock:") && !/:(rebuild-lock|due)$/.test(k)));
    } while (cursor !== "0");
    for (const key of found.sort()) {
      const dump = await cache.dumpBuffer(key);
      state[`redis ${key}`] = dump ? createHash("sha256").update(dump).digest("hex") : "(gone)";
    }
  }

  // Every user's sessions: which exist, and what they say (but for the sliding last use).
  const sessions = sessionRedis();
  for (const userId of userIds) {
    const ids = (await sessions.smembers(keys.userSessions(userId))).sort();
    state[`sessions of ${userId}`] = ids.length.toString();
    for (const id of ids) {
      const record = await sessions.hgetall(keys.session(id));
      delete record.lastSeenAt;
      state[`session ${id.slice(0, 8)} of ${userId}`] = JSON.stringify(Object.entries(record).sort());
    }
  }
  return state;
}
