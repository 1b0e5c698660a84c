import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { closeDb, db, openDatabase } from "@/lib/db/client";
import { organizations } from "@/lib/db/schema";
import { isUniqueViolation, outageOf } from "@/lib/errors";
import { freePort } from "@/lib/testing/throwaway-redis";
import { createTestOrganization } from "@/lib/testing/test-organization";

afterAll(() => closeDb());

/** What a query made with drizzle's builder throws (drizzle wraps the driver's error in its own). */
const thrownBy = (work: () => Promise<unknown>) => work().then(() => null, (error: unknown) => error);

describe("errors under drizzle's wrapper", () => {
  it("a unique violation is recognised through the query builder's wrapper", async () => {
    const org = await createTestOrganization();
    const [row] = await db().select({ slug: organizations.slug }).from(organizations).where(eq(organizations.id, org.id));
    const error = await thrownBy(() => db().insert(organizations).values({ name: "Twin", slug: row!.slug, timeZone: "UTC" }));
    expect(error).toBeInstanceOf(Error);
    expect((error as { code?: string }).code, "the wrapper has no code of its own").toBeUndefined();
    expect(isUniqueViolation(error)).toBe(true);
    expect(outageOf(error)).toBeNull();
  });

  it("a database that refuses connections is an outage of Postgres", async () => {
    const nowhere = openDatabase(`postgres://postgres@127.0.0.1:${await freePort()}/nothing`, { statementTimeoutMs: 1000, max: 1 });
    const error = await thrownBy(() => nowhere.select().from(organizations).limit(1));
    expect(outageOf(error)).toMatchObject({ dependency: "postgres" });
    expect(isUniqueViolation(error)).toBe(false);
    await nowhere.$sql.end({ timeout: 1 });
  });
});
