import { afterAll, beforeAll, it } from "vitest";
import { closeDb } from "@/lib/db/client";
import { closeRedis } from "@/lib/redis/client";
import { createTestOrganization, type TestOrganization } from "@/lib/testing/test-organization";
import { createEvent } from "./create-event";

let org: TestOrganization;
beforeAll(async () => { org = await createTestOrganization({ patients: 60 }); });
afterAll(async () => { await closeDb(); await closeRedis(); });

it("times single creates", async () => {
  const times: number[] = [];
  for (let i = 0; i < 60; i += 1) {
    const day = String(1 + (i % 28)).padStart(2, "0");
    const t = performance.now();
    await createEvent(org.staff.actor, { title: "T", start: `2033-01-${day}T19:00:00-05:00`, end: `2033-01-${day}T19:30:00-05:00`, timeZone: "America/New_York", patientIds: [org.patients[i]!.id] });
    times.push(performance.now() - t);
  }
  const g = globalThis as unknown as { __pgq?: string[] };
  g.__pgq = [];
  await createEvent(org.staff.actor, { title: "T", start: `2033-02-01T19:00:00-05:00`, end: `2033-02-01T19:30:00-05:00`, timeZone: "America/New_York", patientIds: [org.patients[59]!.id] });
  console.log("STATEMENTS\n" + g.__pgq.join("\n"));
  g.__pgq = undefined;
  times.sort((a, b) => a - b);
  console.log("TIMING p50", times[30]!.toFixed(2), "p10", times[6]!.toFixed(2), "p90", times[54]!.toFixed(2));
});

it("pipelines", async () => {
  const { db } = await import("@/lib/db/client");
  const { pipeline } = await import("@/lib/db/pipeline");
  const { sql } = await import("drizzle-orm");
  for (let round = 0; round < 3; round += 1) {
    await db().transaction(async (tx) => {
      let t = performance.now();
      for (let i = 0; i < 50; i += 1) await tx.execute(sql`SELECT ${i}::int AS x`);
      const seq = performance.now() - t;
      t = performance.now();
      await pipeline(tx, Array.from({ length: 50 }, (_, i) => sql`SELECT ${i}::int AS x`));
      console.log("PIPE seq", seq.toFixed(2), "pipelined", (performance.now() - t).toFixed(2));
    });
  }
});
