import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { feedQueryFromBody, feedQueryFromSearchParams, feedQueryFromUrl } from "./feed-query";

const parse = (query: string) => feedQueryFromSearchParams(new URLSearchParams(query));

describe("feed query", () => {
  it("reads instants with an offset exactly", () => {
    const q = parse("start=2026-03-01T00:00:00-05:00&end=2026-03-08T00:00:00-05:00");
    expect(q.start.toISOString()).toBe("2026-03-01T05:00:00.000Z");
    expect(q.end.toISOString()).toBe("2026-03-08T05:00:00.000Z");
    expect(q.timeZone).toBe("UTC");
  });

  it("reads times without an offset in the given zone, across a DST change", () => {
    const q = parse("start=2026-03-08T00:00:00&end=2026-03-09T00:00:00&timeZone=America/New_York");
    expect(q.start.toISOString()).toBe("2026-03-08T05:00:00.000Z");
    expect(q.end.toISOString()).toBe("2026-03-09T04:00:00.000Z");
  });

  it("reads plain dates as local midnight, UTC by default", () => {
    expect(parse("start=2026-01-01&end=2026-01-02").start.toISOString()).toBe("2026-01-01T00:00:00.000Z");
  });

  it("splits and de-duplicates patient ids", () => {
    const id = "0b6f5d1e-8c1a-4a59-9d61-1a8f7f9e2c10";
    expect(parse(`start=2026-01-01&end=2026-01-02&patients=${id},${id}`).patientIds).toEqual([id]);
  });

  it.each([
    ["start=2026-13-01&end=2026-12-02", /start: "2026-13-01" is not a valid/],
    ["start=2026-01-02&end=2026-01-01", /end must be after start/],
    ["start=2026-01-01&end=2026-01-01", /end must be after start/],
    ["start=2026-01-01&end=2027-01-03", /at most 366 days/],
    ["start=2026-01-01", /end: is required/],
    ["start=2026-01-01&end=2026-01-02&cohort=x", /cohortId: must be a cohort id/],
  ])("rejects %s", (query, message) => {
    expect(() => parse(query)).toThrow(message);
  });

  it("accepts a range of exactly 366 days", () => {
    expect(() => parse("start=2024-01-01&end=2025-01-01")).not.toThrow();
  });

  it("refuses more than 200 ids in a URL and points to the alternatives", () => {
    const ids = Array.from({ length: 201 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
    try {
      parse(`start=2026-01-01&end=2026-01-02&patients=${ids.join(",")}`);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).message).toMatch(/POST \/api\/events\/query/);
    }
  });

  it("takes up to 5,000 ids in a body and refuses unknown fields", () => {
    const ids = Array.from({ length: 5000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
    expect(feedQueryFromBody({ start: "2026-01-01", end: "2026-01-08", patientIds: ids }).patientIds).toHaveLength(5000);
    expect(() => feedQueryFromBody({ start: "2026-01-01", end: "2026-01-08", patientIds: [...ids, ids[0]!.replace("0000-4", "0001-4")] })).toThrow();
    expect(() => feedQueryFromBody({ start: "2026-01-01", end: "2026-01-08", orgId: "x" })).toThrow(/orgId/);
  });

  it("reads a request URL as its search parameters, the same URL to one frozen query, a refused URL again each time", () => {
    const id = "0b6f5d1e-8c1a-4a59-9d61-1a8f7f9e2c10";
    const search = `start=2026-03-08T00:00:00&end=2026-03-09T00:00:00&timeZone=America/New_York&patients=${id},${id}`;
    const url = `http://localhost:3000/api/events?${search}`;
    const first = feedQueryFromUrl(url);
    expect(first).toEqual(parse(search));
    expect(feedQueryFromUrl(url)).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first.patientIds)).toBe(true);
    const refused = "http://localhost:3000/api/events?start=2026-01-02&end=2026-01-01";
    expect(() => feedQueryFromUrl(refused)).toThrow(/end must be after start/);
    expect(() => feedQueryFromUrl(refused)).toThrow(/end must be after start/);
  });
});
