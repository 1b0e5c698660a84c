import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/lib/db/client";
import { createEvent } from "@/lib/events/create-event";
import { feedQueryFromSearchParams } from "@/lib/events/feed-query";
import { dropIndex } from "@/lib/events/index/compare-index";
import { listOccurrencesJson } from "@/lib/events/list-occurrences";
import { cacheRedis, closeRedis } from "@/lib/redis/client";
import { createTestOrganization, type TestOrganization } from "@/lib/testing/test-organization";
import { metricsText } from "./collectors";
import { instruments } from "./instruments";
import { flushMinuteStats, hitRatio, readMinuteStats, startMinuteStats, stopMinuteStats } from "./minute-stats";

const TZ = "America/New_York";
let org: TestOrganization;
const query = (timeZone = TZ) =>
  feedQueryFromSearchParams(new URLSearchParams({ start: "2032-03-01T00:00:00", end: "2032-03-08T00:00:00", timeZone }));

/** The value of one labelled series of a counter (0 when it was never incremented). */
async function value(metric: "cacheReads" | "rehydrations" | "writeThroughs", labels: Record<string, string>): Promise<number> {
  const { values } = await instruments()[metric].get();
  return values.filter((v) => Object.entries(labels).every(([k, l]) => (v.labels as Record<string, unknown>)[k] === l)).reduce((n, v) => n + v.value, 0);
}

beforeAll(async () => {
  org = await createTestOrganization({ timeZone: TZ, patients: 2 });
  startMinuteStats();
});

afterAll(async () => {
  stopMinuteStats();
  await closeDb();
  await closeRedis();
});

describe("metrics", () => {
  it("count a write-through with its commit-to-index lag", async () => {
    const applied = await value("writeThroughs", { result: "applied" });
    await createEvent(org.staff.actor, {
      title: `Check-up ${org.tag}`,
      start: "2032-03-02T15:00:00Z",
      end: "2032-03-02T15:30:00Z",
      timeZone: TZ,
      patientIds: [org.patients[0]!.id],
      allowConflicts: true,
    });
    expect(await value("writeThroughs", { result: "applied" })).toBe(applied + 1);
    const text = (await metricsText()).body;
    expect(text).toMatch(/cohort_index_write_through_lag_seconds_count [1-9]/);
  });

  it("move when the cache is missed (with a rehydration), hit, bypassed, fails, and cannot answer", async () => {
    await dropIndex(org.id);
    const before = {
      miss: await value("cacheReads", { kind: "org", result: "miss" }),
      hit: await value("cacheReads", { kind: "org", result: "hit" }),
      bypass: await value("cacheReads", { kind: "org", result: "bypass" }),
      error: await value("cacheReads", { kind: "org", result: "error" }),
      fallback: await value("cacheReads", { kind: "org", result: "fallback" }),
      own: await value("cacheReads", { kind: "own" }),
      filled: await value("rehydrations", { kind: "org", outcome: "filled" }),
      deferred: await value("rehydrations", { kind: "org", outcome: "deferred" }),
    };

    // Cold: the index rebuilds the week's day units, then answers.
    const cold = (await listOccurrencesJson(org.staff.actor, query())).toString();
    expect(cold).toContain(`Check-up ${org.tag}`);
    expect(await value("cacheReads", { kind: "org", result: "miss" })).toBe(before.miss + 1);
    expect(await value("rehydrations", { kind: "org", outcome: "filled" })).toBeGreaterThan(before.filled);

    // Warm: answered from the index at once.
    expect((await listOccurrencesJson(org.staff.actor, query())).toString()).toBe(cold);
    expect(await value("cacheReads", { kind: "org", result: "hit" })).toBe(before.hit + 1);

    // Another zone than the organisation's: the index (pre-formatted in the organisation's zone) is bypassed.
    await listOccurrencesJson(org.staff.actor, query("Asia/Tokyo"));
    expect(await value("cacheReads", { kind: "org", result: "bypass" })).toBe(before.bypass + 1);

    // A patient's own feed is counted as its own kind.
    await listOccurrencesJson(org.patients[0]!.user.actor, query());
    expect(await value("cacheReads", { kind: "own" })).toBe(before.own + 1);

    // Redis away: the read fails over to Postgres and is counted as an error.
    const redis = cacheRedis();
    redis.disconnect();
    try {
      expect((await listOccurrencesJson(org.staff.actor, query())).toString()).toContain(`Check-up ${org.tag}`);
    } finally {
      await redis.connect();
    }
    expect(await value("cacheReads", { kind: "org", result: "error" })).toBe(before.error + 1);

    // Index work pending in the outbox: a cold unit is not rebuilt (it would miss the change): Postgres answers.
    await dropIndex(org.id);
    const [row] = await db().$sql<{ id: string }[]>`
      INSERT INTO index_outbox (org_id, event_id, version) VALUES (${org.id}, gen_random_uuid(), 1) RETURNING id::text`;
    try {
      expect((await listOccurrencesJson(org.staff.actor, query())).toString()).toContain(`Check-up ${org.tag}`);
    } finally {
      await db().$sql`DELETE FROM index_outbox WHERE id = ${row!.id}`;
    }
    expect(await value("cacheReads", { kind: "org", result: "fallback" })).toBe(before.fallback + 1);
    expect(await value("rehydrations", { kind: "org", outcome: "deferred" })).toBeGreaterThan(before.deferred);

    // The Prometheus exposition carries them, with the scrape-time gauges of the stores.
    const text = (await metricsText()).body;
    for (const series of [
      'cohort_cache_reads_total{kind="org",result="hit"}',
      'cohort_cache_reads_total{kind="org",result="miss"}',
      'cohort_cache_reads_total{kind="org",result="bypass"}',
      'cohort_cache_rehydrations_total{kind="org",outcome="filled"}',
      "cohort_index_outbox_backlog",
      'cohort_redis_used_memory_bytes{instance="cache"}',
      'cohort_dependency_rtt_seconds{dependency="postgres"}',
      "cohort_active_sessions",
      "cohort_process_cpu_seconds_total",
    ]) {
      expect(text).toContain(series);
    }
  });

  it("sum read outcomes per minute in Redis for the System page's hit ratio", async () => {
    await listOccurrencesJson(org.staff.actor, query()); // warm again after the previous test's drop
    await flushMinuteStats();
    const [before] = (await readMinuteStats(1)).slice(-1);
    await listOccurrencesJson(org.staff.actor, query());
    await listOccurrencesJson(org.staff.actor, query());
    await listOccurrencesJson(org.staff.actor, query("UTC"));
    await flushMinuteStats();
    const stats = await readMinuteStats(3);
    const [now] = stats.slice(-1);
    // Minutes may roll over between the two reads; count over the window then.
    const sum = (key: "hit" | "bypass") => stats.reduce((n, s) => n + s[key], 0);
    if (now!.minute === before!.minute) {
      expect(now!.hit - before!.hit).toBeGreaterThanOrEqual(2);
      expect(now!.bypass - before!.bypass).toBeGreaterThanOrEqual(1);
    } else {
      expect(sum("hit")).toBeGreaterThanOrEqual(2);
    }
    expect(now!.evictedKeys).not.toBeNull();
    expect(hitRatio([{ hit: 8, miss: 1, fallback: 0, error: 1 }])).toBeCloseTo(0.8);
    expect(hitRatio([{ hit: 0, miss: 0, fallback: 0, error: 0 }])).toBeNull();
  });
});
