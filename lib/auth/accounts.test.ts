import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { closeRedis } from "@/lib/redis/client";
import { createTestOrganization, TEST_PASSWORD, type TestOrganization } from "@/lib/testing/test-organization";
import { changeOwnPassword, listSessionsOf, revokeSessionsOf, setUserDisabled } from "./accounts";
import { createSession, readSession } from "./session-store";
import { verifyCredentials } from "./verify-credentials";

let org: TestOrganization;
let other: TestOrganization;
beforeAll(async () => {
  [org, other] = await Promise.all([createTestOrganization(), createTestOrganization()]);
});
afterAll(async () => {
  await closeRedis();
  await closeDb();
});

const passwordHash = async (id: string) =>
  (await db().select({ h: users.passwordHash }).from(users).where(eq(users.id, id)))[0]!.h;
const disabledAt = async (id: string) =>
  (await db().select({ d: users.disabledAt }).from(users).where(eq(users.id, id)))[0]!.d;

describe("accounts", () => {
  it("changing a password needs the current one, then ends every session of that user only", async () => {
    const me = org.patients[0]!.user;
    const sessions = [await createSession(me.actor), await createSession(me.actor)];
    const bystander = await createSession(org.staff.actor);
    const before = await passwordHash(me.id);

    await expect(changeOwnPassword(me.actor, { currentPassword: "wrong-password", newPassword: "a-new-password-1" }, "192.0.2.10"))
      .rejects.toMatchObject({ code: "bad_request" });
    await expect(changeOwnPassword(me.actor, { currentPassword: TEST_PASSWORD, newPassword: "short" }, "192.0.2.10"))
      .rejects.toMatchObject({ code: "bad_request" });
    expect(await passwordHash(me.id)).toBe(before);
    for (const id of sessions) expect(await readSession(id)).not.toBeNull();

    await changeOwnPassword(me.actor, { currentPassword: TEST_PASSWORD, newPassword: "a-new-password-1" }, "192.0.2.10");
    for (const id of sessions) expect(await readSession(id)).toBeNull();
    expect(await readSession(bystander)).not.toBeNull();
    expect(await verifyCredentials(me.email, TEST_PASSWORD)).toBeNull();
    expect(await verifyCredentials(me.email, "a-new-password-1")).toMatchObject({ userId: me.id });
  });

  it("disabling a user ends their sessions and refuses sign-in; enabling lets them back", async () => {
    const target = org.staff;
    const session = await createSession(target.actor);
    await setUserDisabled(org.admin.actor, target.id, true, "192.0.2.11");
    expect(await readSession(session)).toBeNull();
    expect(await verifyCredentials(target.email, target.password)).toBeNull();
    await setUserDisabled(org.admin.actor, target.id, false, "192.0.2.11");
    expect(await verifyCredentials(target.email, target.password)).toMatchObject({ userId: target.id });
  });

  it("an admin lists and revokes sessions of their own organisation's users only", async () => {
    const target = org.patients[1]!.user;
    const first = await createSession(target.actor);
    const second = await createSession(target.actor);
    const listed = await listSessionsOf(org.admin.actor, target.id);
    expect(listed.length).toBeGreaterThanOrEqual(2);
    expect(await revokeSessionsOf(org.admin.actor, target.id, listed[0]!.handle, "192.0.2.12")).toBe(1);
    expect([await readSession(first), await readSession(second)].filter(Boolean)).toHaveLength(1);
    await revokeSessionsOf(org.admin.actor, target.id, null, "192.0.2.12");
    expect(await readSession(first)).toBeNull();
    expect(await readSession(second)).toBeNull();
  });

  it("another organisation's user is not found, for every admin operation, and nothing changes", async () => {
    const foreign = other.staff;
    const session = await createSession(foreign.actor);
    const admin = org.admin.actor;
    await expect(listSessionsOf(admin, foreign.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(revokeSessionsOf(admin, foreign.id, null, "192.0.2.13")).rejects.toMatchObject({ code: "not_found" });
    await expect(setUserDisabled(admin, foreign.id, true, "192.0.2.13")).rejects.toMatchObject({ code: "not_found" });
    await expect(listSessionsOf(admin, "not-a-uuid")).rejects.toMatchObject({ code: "not_found" });
    expect(await readSession(session)).not.toBeNull();
    expect(await disabledAt(foreign.id)).toBeNull();
  });

  it("staff and patients cannot use the admin operations, even within their organisation", async () => {
    for (const actor of [org.staff.actor, org.patients[0]!.user.actor]) {
      await expect(listSessionsOf(actor, org.admin.id)).rejects.toMatchObject({ code: "forbidden" });
      await expect(setUserDisabled(actor, org.admin.id, true, "192.0.2.14")).rejects.toMatchObject({ code: "forbidden" });
    }
    expect(await disabledAt(org.admin.id)).toBeNull();
  });
});

describe("unknown e-mail addresses", () => {
  it("cost the same password check as a wrong password for a real account (same timing class)", async () => {
    const known = org.admin.email;
    const unknown = `nobody-${org.tag}@example.test`;
    const time = async (email: string) => {
      const started = performance.now();
      expect(await verifyCredentials(email, "not-the-password")).toBeNull();
      return performance.now() - started;
    };
    await time(known);
    await time(unknown);
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const knownTimes: number[] = [];
    const unknownTimes: number[] = [];
    for (let i = 0; i < 7; i++) {
      knownTimes.push(await time(known));
      unknownTimes.push(await time(unknown));
    }
    // An argon2 verification dominates both; without the dummy check the unknown case is ~100× faster.
    const ratio = median(unknownTimes) / median(knownTimes);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
});
