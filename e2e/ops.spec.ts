import { readFileSync } from "node:fs";
import { expect, test } from "./fixtures";
import { SystemPage } from "./pages/SystemPage";
import { METRICS_TOKEN, SERVER_LOG_FILE } from "./server-env";

test("the System page shows the cache and stores to admins, with its thresholds", async ({ page, org, loginAs }) => {
  await loginAs(org.admin);
  // From the cohorts page (the calendar rewrites its own URL once loaded, which would race the click).
  await page.goto("/cohorts");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "System" }).click();
  await expect(page).toHaveURL(/\/admin\/system$/);
  // A few feed reads, so the hit ratio has something to say.
  for (let i = 0; i < 3; i += 1) expect((await page.request.get("/api/events?start=2031-01-05&end=2031-01-12&timeZone=America/New_York")).status()).toBe(200);
  const system = new SystemPage(page);
  await system.goto();
  await expect(system.heading).toHaveText(/System/);
  for (const title of ["Cache hit ratio", "Cache Redis memory", "Evictions", "Index keys of this organisation", "Outbox backlog", "Round trips", "Session store"]) {
    await expect(system.card(title)).toBeVisible();
  }
  // Every figure carries its level in words, not only in colour.
  await expect(system.card("Outbox backlog").getByText(/^(OK|Check|Alert|No data)$/)).toBeVisible();
  await expect(system.card("Round trips")).toContainText("Postgres");
  await expect(system.card("Cache hit ratio")).toContainText(/\d+\.\d %/);
  await expect(system.card("Index keys of this organisation")).toContainText("of 2 patients");
});

test("staff, patients and visitors cannot reach the System page", async ({ page, browser, org, loginAs }) => {
  const visitor = await browser.newPage();
  await visitor.goto("/admin/system");
  await expect(visitor).toHaveURL(/\/login/);
  await visitor.close();

  await loginAs(org.staff);
  await page.goto("/admin/system");
  await expect(page).toHaveURL(/\/calendar(\?|$)/);
  await expect(page.getByRole("heading", { name: /System/ })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "System" })).toHaveCount(0); // not even linked

  await page.context().clearCookies();
  await loginAs(org.patients[0]!.user);
  await page.goto("/admin/system");
  await expect(page).toHaveURL(/\/my-calendar(\?|$)/);
  await expect(page.getByText("Cache hit ratio")).toHaveCount(0);
});

test("/api/metrics needs the bearer token and shows per-route latency and cache reads", async ({ page, org, loginAs, request }) => {
  expect((await request.get("/api/metrics")).status()).toBe(401);
  expect((await request.get("/api/metrics", { headers: { Authorization: "Bearer wrong-token-0123456789" } })).status()).toBe(401);

  await loginAs(org.staff);
  // In the organisation's zone: the index answers (another zone bypasses it, and is counted so).
  expect((await page.request.get("/api/events?start=2031-02-02&end=2031-02-09&timeZone=America/New_York")).status()).toBe(200);
  const response = await request.get("/api/metrics", { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(response.status()).toBe(200);
  const text = await response.text();
  // Recorded by the feed's route bundle, exposed by the metrics route's: one registry per process.
  expect(text).toMatch(/cohort_http_request_duration_seconds_count\{method="GET",route="\/api\/events",status="200"\} [1-9]/);
  expect(text).toMatch(/cohort_cache_reads_total\{kind="org",result="(hot|hit|miss)"\} [1-9]/);
  expect(text).toContain("cohort_index_outbox_backlog");
  expect(text).toContain("cohort_active_sessions");
});

test("a request's log lines carry its request id, and patient titles never reach the log", async ({ page, org, loginAs }) => {
  await loginAs(org.staff);
  const title = `Confidential consult ${org.tag}`;
  const created = await page.request.post("/api/events", {
    data: {
      title,
      description: `Notes ${org.tag}`,
      start: "2031-03-03T15:00:00Z",
      end: "2031-03-03T16:00:00Z",
      timeZone: "America/New_York",
      patientIds: [org.patients[0]!.id],
    },
  });
  expect(created.status()).toBe(201);
  const feed = await page.request.get("/api/events?start=2031-03-01&end=2031-03-08");
  expect(await feed.text()).toContain(title);

  for (const response of [created, feed]) {
    const requestId = response.headers()["x-request-id"];
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const lines = readFileSync(SERVER_LOG_FILE, "utf8").split("\n").filter((l) => l.includes(requestId!));
    expect(lines.length).toBeGreaterThan(0);
    const entries = lines.map((l) => JSON.parse(l) as { requestId: string; route?: string });
    expect(entries.every((e) => e.requestId === requestId)).toBe(true);
    expect(entries.map((e) => e.route)).toContain("/api/events"); // the access line
  }
  const log = readFileSync(SERVER_LOG_FILE, "utf8");
  expect(log).not.toContain(title);
  expect(log).not.toContain(`Notes ${org.tag}`);
});
