import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { auditEntry } from "@/lib/audit/record";
import { closeDb, db } from "@/lib/db/client";
import { closeRedis, sessionRedis } from "@/lib/redis/client";
import { keys } from "@/lib/redis/keys";
import type { Actor } from "./actor";
import { readSessionSpending, type ApiBudget, type PrepaidAudit } from "./session-check";
import { createSession, revokeUserSessions } from "./session-store";

/**
 * The prepaid audit of a read answered from memory: the session check's script appends the entry only for
 * a live session of exactly the guessed actor, within budget. Anything else appends nothing (the request
 * then takes the ordinary path, or is refused).
 */
const makeActor = (overrides: Partial<Actor> = {}): Actor => ({
  userId: randomUUID(),
  orgId: randomUUID(),
  role: "staff",
  patientId: null,
  timeZone: "America/New_York",
  orgTimeZone: "America/New_York",
  ...overrides,
});
const budget = (points = 100): ApiBudget => ({ keyPrefix: keys.rateLimit(`test-prepaid-${randomUUID()}`), points, windowSeconds: 60 });

function prepaid(actor: Actor): { audit: PrepaidAudit; entryId: string } {
  const entry = auditEntry(actor, { action: "events.read", allPatients: true, ip: "203.0.113.9" });
  return { audit: { actor, entry: JSON.stringify(entry) }, entryId: entry.entryId };
}

/** Whether an entry reached the trail: still in the stream, or already moved to Postgres by a consumer. */
async function recorded(entryId: string): Promise<boolean> {
  const stream = (await sessionRedis().xrange(keys.auditStream(), "-", "+")) as [string, string[]][];
  if (stream.some(([, fields]) => (fields[1] ?? "").includes(entryId))) return true;
  const rows = await db().$sql`SELECT 1 FROM audit_log WHERE entry_id = ${entryId}`;
  return rows.length > 0;
}

afterAll(async () => {
  await closeRedis();
  await closeDb();
});

describe("session check with a prepaid audit entry", () => {
  it("appends the entry in the same round trip for a live session of the guessed actor", async () => {
    const actor = makeActor();
    const id = await createSession(actor);
    const { audit, entryId } = prepaid(actor);
    const checked = await readSessionSpending(id, budget(), undefined, audit);
    expect(checked).toMatchObject({ actor, audited: true, verdict: { refusedForMs: null } });
    expect(await recorded(entryId)).toBe(true);
  });

  it("appends nothing when the session is someone else's or names the actor differently", async () => {
    const actor = makeActor();
    const id = await createSession(actor);
    for (const guess of [makeActor(), { ...actor, role: "admin" as const }, { ...actor, orgTimeZone: "Europe/London" }, { ...actor, patientId: randomUUID() }]) {
      const { audit, entryId } = prepaid(guess);
      const checked = await readSessionSpending(id, budget(), undefined, audit);
      expect(checked).toMatchObject({ actor, audited: false });
      expect(await recorded(entryId)).toBe(false);
    }
  });

  it("appends nothing for a revoked session or a request over budget", async () => {
    const actor = makeActor();
    const id = await createSession(actor);
    const limit = budget(1);
    expect((await readSessionSpending(id, limit, undefined, prepaid(actor).audit))?.audited).toBe(true);
    const over = prepaid(actor);
    const refused = await readSessionSpending(id, limit, undefined, over.audit);
    expect(refused?.verdict.refusedForMs).not.toBeNull();
    expect(refused?.audited).toBe(false);
    expect(await recorded(over.entryId)).toBe(false);

    await revokeUserSessions(actor.userId);
    const revoked = prepaid(actor);
    expect(await readSessionSpending(id, budget(), undefined, revoked.audit)).toBeNull();
    expect(await recorded(revoked.entryId)).toBe(false);
  });
});
