import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/lib/db/client";
import { createEvent } from "@/lib/events/create-event";
import { feedQueryFromSearchParams } from "@/lib/events/feed-query";
import { compareIndex, dropIndex } from "@/lib/events/index/compare-index";
import { refOf } from "@/lib/events/index/members";
import { readFromIndex } from "@/lib/events/index/read-from-index";
import { listOccurrencesJson } from "@/lib/events/list-occurrences";
import { updateEvent } from "@/lib/events/update-event";
import { instruments } from "@/lib/metrics/instruments";
import { cacheRedis, closeRedis } from "@/lib/redis/client";
import { keys, units } from "@/lib/redis/keys";
import { createTestOrganization, type TestOrganization } from "@/lib/testing/test-organization";
import { checkIndex, describeDifferences, isClean } from "./check-index";
import { repairIndex } from "./repair-index";
import { warmOnStart } from "./start-ops";
import { warmCache } from "./warm-up";

const run = promisify(execFile);
const TZ = "America/New_York";
let org: TestOrganization;
let other: TestOrganization;
let seriesId: string;
let groupId: string;

/** This week and the next three, in the organisation's zone: inside the warm-up's hot horizon. */
const today = new Date();
const day = (offset: number, hour: number) => {
  const d = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + offset, hour));
  return d.toISOString();
};
const windowQuery = () =>
  feedQueryFromSearchParams(new URLSearchParams({ start: day(-1, 0).slice(0, 19), end: day(14, 0).slice(0, 19), timeZone: TZ }));

const hits = async () => {
  const { values } = await instruments().cacheReads.get();
  return values.filter((v) => v.labels.result === "hit").reduce((n, v) => n + v.value, 0);
};

beforeAll(async () => {
  org = await createTestOrganization({ timeZone: TZ, patients: 3 });
  other = await createTestOrganization({ timeZone: TZ, patients: 1 });
  const [a, b] = org.patients;
  seriesId = (
    await createEvent(org.staff.actor, {
      title: `Physio ${org.tag}`,
      start: day(1, 14),
      end: day(1, 15),
      timeZone: TZ,
      rrule: "FREQ=DAILY;COUNT=10",
      patientIds: [a!.id],
      allowConflicts: true,
    })
  ).id;
  groupId = (
    await createEvent(org.staff.actor, {
      title: `Group ${org.tag}`,
      start: day(2, 16),
      end: day(2, 17),
      timeZone: TZ,
      patientIds: [a!.id, b!.id],
      allowConflicts: true,
    })
  ).id;
  await createEvent(other.staff.actor, {
    title: `Elsewhere ${other.tag}`,
    start: day(2, 16),
    end: day(2, 17),
    timeZone: TZ,
    patientIds: [other.patients[0]!.id],
    allowConflicts: true,
  });
});

afterAll(async () => {
  await closeDb();
  await closeRedis();
});

const unitMs = { org: units.orgMs, patient: units.patientMs };

describe("cache warm-up, check and repair against a damaged index", () => {
  it("warm-up rebuilds deleted keys: every read of the hot horizon is then a hit, with no Postgres rebuild", async () => {
    await dropIndex(org.id);
    const report = await warmCache({ orgIds: [org.id], daysBack: 1, daysAhead: 20 });
    expect(report.failed).toEqual([]);
    expect(report.filled).toBeGreaterThan(0);
    expect(report.notFilled).toBe(0);

    // Keys deleted: the organisation's set and one patient's set.
    await cacheRedis().del(keys.orgEvents(org.id), keys.patientEvents(org.id, org.patients[0]!.id));
    const again = await warmCache({ orgIds: [org.id], daysBack: 1, daysAhead: 20 });
    expect(again.filled).toBeGreaterThan(0);
    expect(again.alreadyWarm).toBeGreaterThan(0); // the untouched patient set was left alone

    const before = await hits();
    const q = windowQuery();
    expect(await readFromIndex({ orgId: org.id }, q.start, q.end)).not.toBeNull();
    expect(await readFromIndex({ orgId: org.id, patientIds: [org.patients[0]!.id] }, q.start, q.end)).not.toBeNull();
    expect((await hits()) - before).toBe(2);
    expect(await compareIndex(org.id, unitMs)).toEqual([]);
  });

  it("warms once per deploy at start-up: the first instance warms, the others skip", async () => {
    await cacheRedis().del(keys.warmLock());
    await dropIndex(org.id);
    const [first, second] = await Promise.all([warmOnStart([org.id]), warmOnStart([org.id])]);
    expect([first, second].sort()).toEqual(["skipped", "warmed"]);
    expect(await cacheRedis().zscore(keys.orgEvents(org.id), `~${Math.floor(Date.now() / units.orgMs)}`)).not.toBeNull();
    expect(await warmOnStart([org.id])).toBe("skipped"); // a restart within the lock's ten minutes
    await cacheRedis().del(keys.warmLock());
  });

  it("check finds a stale record, a stale template, a foreign member, a missing member and a short look-back; repair fixes them all", async () => {
    await warmCache({ orgIds: [org.id], daysBack: 1, daysAhead: 20 });
    const redis = cacheRedis();
    const [a, b] = org.patients;
    const orgSet = keys.orgEvents(org.id);
    const patientSet = keys.patientEvents(org.id, a!.id);
    const members = await redis.zrange(orgSet, "0", "-1", "WITHSCORES");
    const groupMember = members.find((m) => m.startsWith(refOf(groupId)))!;
    expect(groupMember).toBeDefined();
    const templates = keys.orgTemplates(org.id);
    const groupTemplate = (await redis.hget(templates, refOf(groupId)))!;
    expect(groupTemplate).toContain(`"title":"Group ${org.tag}"`);

    // A stale record: the event's record claims a newer revision than Postgres (it would make every
    // later write-through of the event a no-op), and a stale template: an old title of a real event.
    await redis.hset(keys.eventRecord(org.id, seriesId), "r", 999);
    await redis.hset(templates, refOf(groupId), groupTemplate.replace(`Group ${org.tag}`, `Old title ${org.tag}`));
    // A foreign member: another organisation's occurrence in one of our patient's sets.
    const foreign = (await redis.zrange(keys.orgEvents(other.id), "0", "-1", "WITHSCORES")).filter((m) => !m.startsWith("~"));
    expect(foreign.length).toBeGreaterThan(0);
    await redis.zadd(keys.patientEvents(org.id, b!.id), foreign[1]!, foreign[0]!);
    // A missing member: removed from a hydrated unit. And a look-back shorter than the longest occurrence.
    await redis.zrem(patientSet, groupMember);
    await redis.set(keys.orgMaxDuration(org.id), "1");

    const found = await checkIndex({ orgIds: [org.id], recheckDelayMs: 50 });
    expect(isClean(found)).toBe(false);
    const [differences] = found.differences;
    expect(differences!.records).toEqual([expect.objectContaining({ eventId: seriesId, problem: "revision_ahead" })]);
    const bySet = new Map(differences!.sets.map((s) => [s.set, s]));
    expect(bySet.get(templates)!.extra).toEqual([`${groupId} template`]);
    expect(bySet.get(keys.patientEvents(org.id, b!.id))!.extra).toEqual([foreign[0]]);
    expect(bySet.get(patientSet)!.missing).toEqual([groupMember]);
    expect(differences!.lookback).toEqual([expect.objectContaining({ key: keys.orgMaxDuration(org.id), held: 1 })]);
    // What the command prints names occurrences and keys, never titles.
    const printed = describeDifferences(found).join("\n");
    expect(printed).toContain(seriesId);
    expect(printed).not.toContain(org.tag);

    const repaired = await repairIndex(found);
    expect(repaired.recordsRewritten).toBe(1);
    expect(repaired.setsDropped).toBe(3);
    expect(isClean(repaired.after)).toBe(true);
    expect(await compareIndex(org.id, unitMs)).toEqual([]);

    // The rewritten record no longer blocks write-throughs: an edit reaches the index at once.
    await updateEvent(org.staff.actor, seriesId, { scope: "all", title: `Renamed ${org.tag}`, allowConflicts: true });
    const feed = (await listOccurrencesJson(org.staff.actor, windowQuery())).toString();
    expect(feed).toContain(`Renamed ${org.tag}`);
    expect(feed).not.toContain(`Old title ${org.tag}`);
    expect(feed).not.toContain(`Elsewhere ${other.tag}`);
    expect(await compareIndex(org.id, unitMs)).toEqual([]);
    const [pending] = await db().$sql<{ n: number }[]>`SELECT count(*)::int AS n FROM index_outbox WHERE org_id = ${org.id}`;
    expect(pending!.n).toBe(0);
  });

  it("repair removes a record planted for an event that does not exist, and a tombstone over a live event", async () => {
    const redis = cacheRedis();
    const ghost = "00000000-0000-4000-8000-000000000001";
    const [a] = org.patients;
    const members = await redis.zrange(keys.patientEvents(org.id, a!.id), "0", "-1", "WITHSCORES");
    const real = members.findIndex((m) => m.startsWith(refOf(groupId)));
    const ghostMember = refOf(ghost) + members[real]!.slice(refOf(ghost).length);
    await redis.zadd(keys.patientEvents(org.id, a!.id), members[real + 1]!, ghostMember);
    await redis.hset(keys.eventRecord(org.id, ghost), "r", 3, "m", JSON.stringify([[Number(members[real + 1]), [a!.id]]]));
    await redis.hset(keys.eventRecord(org.id, groupId), "r", 1, "d", 1);

    const found = await checkIndex({ orgIds: [org.id], recheckDelayMs: 50 });
    expect(found.differences[0]!.records.map((r) => r.problem).sort()).toEqual(["orphan", "tombstone_for_live_event"]);
    const repaired = await repairIndex(found);
    expect(isClean(repaired.after)).toBe(true);
    expect(await redis.hget(keys.eventRecord(org.id, ghost), "d")).toBe("1"); // now a proper tombstone
    expect(await compareIndex(org.id, unitMs)).toEqual([]);
  });

  it("npm run cache:check exits 1 and names the difference; cache:repair fixes it and exits 0", async () => {
    await cacheRedis().hset(keys.eventRecord(org.id, groupId), "r", 500);
    const tsx = ["--conditions=react-server"];
    const command = (script: string) =>
      run("node_modules/.bin/tsx", [...tsx, script, `--org=${org.id}`], { env: process.env, timeout: 60_000 }).then(
        (r) => ({ code: 0, out: r.stdout }),
        (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
      );
    const check = await command("scripts/cache-check.ts");
    expect(check.code).toBe(1);
    expect(check.out).toContain(`${keys.eventRecord(org.id, groupId)}: revision ahead`);
    // Repair checks again after fixing and exits 0 only when the index matches.
    const repair = await command("scripts/cache-repair.ts");
    expect(repair.out).toContain("the index matches Postgres again");
    expect(repair.code).toBe(0);
    expect(isClean(await checkIndex({ orgIds: [org.id], recheckDelayMs: 50 }))).toBe(true);
  }, 90_000);
});
