import { expect, test } from "./fixtures";

test.describe("GET /api/events rejects bad input with a clear error", () => {
  test("without a session: 401", async ({ request }) => {
    const response = await request.get("/api/events?start=2026-01-01&end=2026-01-08");
    expect(response.status()).toBe(401);
    expect(await response.json()).toEqual({ error: { code: "unauthorized", message: "Sign in to continue" } });
  });

  test("malformed, reversed and over-long ranges: 400 with a message", async ({ page, org, loginAs }) => {
    await loginAs(org.staff);
    const cases: [string, RegExp][] = [
      ["start=yesterday&end=2026-01-08", /start: "yesterday" is not a valid ISO-8601/],
      ["start=2026-02-30&end=2026-03-08", /start: "2026-02-30" is not a valid/],
      ["start=2026-01-08&end=2026-01-01", /end must be after start/],
      ["start=2026-01-01&end=2027-06-01", /at most 366 days/],
      ["end=2026-01-08", /start: is required/],
      ["start=2026-01-01&end=2026-01-08&timeZone=Mars/Olympus", /timeZone: is not a known IANA time zone/],
      ["start=2026-01-01&end=2026-01-08&patients=not-a-uuid", /patientIds/],
    ];
    for (const [query, message] of cases) {
      const response = await page.request.get(`/api/events?${query}`);
      expect(response.status(), query).toBe(400);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code, query).toBe("bad_request");
      expect(body.error.message, query).toMatch(message);
    }
  });

  test("another organisation's patient or cohort: 404, as if it did not exist", async ({ page, org, loginAs }) => {
    await loginAs(org.staff);
    const foreignPatient = "00000000-0000-4000-8000-000000000001";
    const response = await page.request.get(`/api/events?start=2026-01-01&end=2026-01-08&patients=${foreignPatient}`);
    expect(response.status()).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });
});

test("unknown API routes answer 404 in JSON; unknown pages show a page", async ({ page, request }) => {
  const api = await request.get("/api/nothing-here");
  expect(api.status()).toBe(404);
  expect(((await api.json()) as { error: { code: string } }).error.code).toBe("not_found");
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});

test("health reports each dependency", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({ status: "ok", postgres: "up", redis: "up", sessions: "up" });
  expect((await request.get("/api/health/live")).status()).toBe(200);
});
