import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as health } from "@/app/api/health/route";
import { GET as ready } from "@/app/api/health/ready/route";
import { GET as metrics } from "@/app/api/metrics/route";
import { closeDb } from "@/lib/db/client";
import { createEvent } from "@/lib/events/create-event";
import { feedQueryFromSearchParams } from "@/lib/events/feed-query";
import { listOccurrencesJson } from "@/lib/events/list-occurrences";
import { logger } from "@/lib/logger";
import { cacheRedis, closeRedis, sessionRedis } from "@/lib/redis/client";
import { createTestOrganization, type TestOrganization } from "@/lib/testing/test-organization";
import { observeAction } from "./observe-action";
import { handle, rawJson, routePattern } from "./respond";

// Configuration is read once, on first use: set this file's own before anything asks.
const LOG_FILE = path.join(tmpdir(), `cohort-observability-${process.pid}.log`);
const TOKEN = "metrics-token-for-tests-0123456789";
process.env.LOG_FILE = LOG_FILE;
process.env.METRICS_TOKEN = TOKEN;

let org: TestOrganization;
const noContext = { params: Promise.resolve({}) };

beforeAll(async () => {
  org = await createTestOrganization({ patients: 1 });
});

afterAll(async () => {
  await closeDb();
  await closeRedis();
  rmSync(LOG_FILE, { force: true });
});

// Written synchronously (as pino writes stdout), so a line is in the file once the call returned.
const logLines = () => {
  return readFileSync(LOG_FILE, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => ({ line, entry: JSON.parse(line) as Record<string, unknown> }));
};

describe("request logs", () => {
  it("carry the request id on every line of a request, lib code included, and no patient title", async () => {
    const title = `Oncology review ${org.tag}`;
    await createEvent(org.staff.actor, {
      title,
      description: `Private notes ${org.tag}`,
      start: "2032-05-03T14:00:00Z",
      end: "2032-05-03T15:00:00Z",
      timeZone: org.timeZone,
      patientIds: [org.patients[0]!.id],
      allowConflicts: true,
    });
    // A feed route like the real one: the index read fails (Redis away), lib code logs a warning,
    // the feed still answers from Postgres. A careless log call hands over the whole occurrence.
    const route = handle(async () => {
      const query = feedQueryFromSearchParams(new URLSearchParams({ start: "2032-05-01", end: "2032-05-08", timeZone: org.timeZone }));
      const redis = cacheRedis();
      redis.disconnect();
      try {
        const body = await listOccurrencesJson(org.staff.actor, query);
        const [occurrence] = JSON.parse(body.toString()) as { title: string; description: string }[];
        logger().info({ occurrence, title: occurrence!.title }, "careless log call");
        return rawJson(body);
      } finally {
        await redis.connect();
      }
    });
    const response = await route(new Request("http://localhost/api/events?start=2032-05-01"), noContext);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain(title); // the patient data is in the response, not in the log
    const requestId = response.headers.get("x-request-id");
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);

    const lines = logLines();
    const mine = lines.filter((l) => l.entry.requestId === requestId);
    // (Reconnecting may add the circuit breaker's own line: it happened during this request too.)
    expect(mine.map((l) => l.entry.msg)).toEqual(expect.arrayContaining(["index read failed; answering from Postgres", "careless log call"]));
    expect(mine.at(-1)!.entry.msg).toBe("request");
    expect(mine.at(-1)!.entry).toMatchObject({ method: "GET", route: "/api/events", status: 200 });
    for (const { line } of lines) {
      expect(line).not.toContain(org.tag); // neither the title nor the description, anywhere in the log
    }
  });

  it("keep an id given by the proxy, and name routes by pattern, never by the ids in the path", async () => {
    const route = handle(async () => rawJson("{}"));
    const request = new Request("http://localhost/api/events/6f1c9d1e-0000-4000-8000-000000000000", { headers: { "X-Request-Id": "lb-1234567890" } });
    const response = await route(request, { params: Promise.resolve({ eventId: "6f1c9d1e-0000-4000-8000-000000000000" }) });
    expect(response.headers.get("x-request-id")).toBe("lb-1234567890");
    const [last] = logLines().filter((l) => l.entry.requestId === "lb-1234567890");
    expect(last!.entry.route).toBe("/api/events/[eventId]");
    expect(last!.line).not.toContain("6f1c9d1e");
    expect(await routePattern(new Request("http://localhost/api/calendars/abc123.ics"), { params: Promise.resolve({ token: "abc123.ics" }) })).toBe(
      "/api/calendars/[token]",
    );
    // A forged id that is not a plain token is replaced.
    const forged = await route(new Request("http://localhost/api/x", { headers: { "X-Request-Id": "<script>" } }), noContext);
    expect(forged.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("server actions", () => {
  it("get a request id of their own on every log line, and an access line with the outcome", async () => {
    const result = await observeAction("test-action", async () => {
      logger().info("inside the action");
      return { ok: false as const, message: "refused" };
    });
    expect(result.ok).toBe(false);
    const lines = logLines().filter((l) => l.entry.route === "action:test-action" || l.entry.msg === "inside the action");
    const [inside, access] = lines.slice(-2);
    expect(inside!.entry.requestId).toBe(access!.entry.requestId);
    expect(access!.entry).toMatchObject({ msg: "request", status: 400 });
  });
});

describe("/api/metrics", () => {
  it("answers only with the bearer token, in Prometheus text format with per-route latency", async () => {
    const url = "http://localhost/api/metrics";
    const none = await metrics(new Request(url), noContext);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    const wrong = await metrics(new Request(url, { headers: { Authorization: `Bearer ${TOKEN}x` } }), noContext);
    expect(wrong.status).toBe(401);

    const ok = await metrics(new Request(url, { headers: { Authorization: `Bearer ${TOKEN}` } }), noContext);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toContain("text/plain");
    const text = await ok.text();
    expect(text).toContain('cohort_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/api/events",status="200"}');
    expect(text).toContain("# TYPE cohort_cache_reads_total counter");
  });
});

describe("/api/health", () => {
  it("keeps the contract's four fields; readiness names each dependency with its latency", async () => {
    const response = await health(new Request("http://localhost/api/health"), noContext);
    expect(await response.json()).toEqual({ status: "ok", postgres: "up", redis: "up", sessions: "up" });
    const detailed = await ready(new Request("http://localhost/api/health/ready"), noContext);
    expect(detailed.status).toBe(200);
    const body = (await detailed.json()) as { checks: Record<string, { state: string; latencyMs: number }> };
    expect(Object.keys(body.checks).sort()).toEqual(["postgres", "redis", "sessions"]);
    for (const check of Object.values(body.checks)) expect(check).toMatchObject({ state: "up", latencyMs: expect.any(Number) });
  });

  it("is not ready when the session store is away, and says why", async () => {
    // One instance for both, or two (the cache on a cluster): either way both are away here.
    const clients = [...new Set<{ disconnect(): void; connect(): Promise<void> }>([cacheRedis(), sessionRedis()])];
    for (const client of clients) client.disconnect();
    try {
      const response = await ready(new Request("http://localhost/api/health/ready"), noContext);
      expect(response.status).toBe(503);
      const body = (await response.json()) as { status: string; postgres: string; checks: Record<string, { state: string; reason?: string }> };
      expect(body).toMatchObject({ status: "down", postgres: "up", redis: "down", sessions: "down" });
      expect(body.checks.redis).toMatchObject({ state: "down", reason: expect.stringMatching(/timeout|error/) });
    } finally {
      await Promise.all(clients.map((client) => client.connect()));
    }
  });
});
