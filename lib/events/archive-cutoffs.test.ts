import { afterAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/lib/db/client";
import { setPatientArchived } from "@/lib/patients/admin-patients";
import { closeRedis } from "@/lib/redis/client";
import { createTestOrganization } from "@/lib/testing/test-organization";
import { archiveCutoffs, CUTOFFS_TTL_MS } from "./archive-cutoffs";

/**
 * The archive cut-offs every organisation and cohort read needs (issue 9) must not make those reads
 * depend on Postgres once they are held: during a Postgres outage longer than their TTL (issue 7), the
 * held map answers. Postgres here is real and made slow the way the fault scenarios do it, with a lock.
 */
afterAll(async () => {
  await closeDb();
  await closeRedis();
});

describe("archive cut-offs", () => {
  it("answer with the held map when Postgres does not answer their refresh, and refresh once it does", async () => {
    const org = await createTestOrganization({ patients: 2 });
    const [archived, other] = [org.patients[0]!.id, org.patients[1]!.id];
    await setPatientArchived(org.admin.actor, archived, true);
    const held = await archiveCutoffs(org.id);
    expect([...held.keys()]).toEqual([archived]);

    const later = Date.now() + CUTOFFS_TTL_MS + 1;
    const lock = await db().$sql.reserve();
    try {
      await lock`BEGIN`;
      await lock`LOCK TABLE patients IN ACCESS EXCLUSIVE MODE`;
      // Without the held map this would wait for the lock, which is released only after it returns.
      expect(await archiveCutoffs(org.id, later), "the held map, while the refresh waits on the lock").toBe(held);
    } finally {
      await lock`ROLLBACK`;
      lock.release();
    }

    // The refresh that waited on the lock stores what it read; a change made since is seen at the next one.
    await db().$sql`UPDATE patients SET archived_at = now() WHERE id = ${other}`;
    const refreshed = await archiveCutoffs(org.id, later + CUTOFFS_TTL_MS + 1);
    expect([...refreshed.keys()].sort()).toEqual([archived, other].sort());
  });
});
