import { expect, test } from "../fixtures";
import { attemptLogin, feed } from "../support/auth";
import { MyCalendarPage } from "../pages/MyCalendarPage";

test("each user gets 600 API requests a minute; the next is 429 with Retry-After and the calendar says so", async ({ page, playwright, baseURL, org, loginAs }) => {
  test.slow();
  const patient = org.patients[0]!.user;
  await loginAs(patient);
  const statuses: number[] = [];
  // The window opens with the user's first request (signing in and pages do not count). The budget is
  // the user's across the API: spend it on the cheapest call (a lookup of nothing), then ask for the feed.
  for (let batch = 0; batch < 30; batch++) {
    const replies = await Promise.all(Array.from({ length: 20 }, () => page.request.post("/api/patients/lookup", { data: { ids: [] } })));
    statuses.push(...replies.map((r) => r.status()));
  }
  const limited = await feed(page.request);
  // As counts per status, so that a failure says what the other answers were.
  const counts = statuses.reduce<Record<number, number>>((all, s) => ({ ...all, [s]: (all[s] ?? 0) + 1 }), {});
  expect(counts).toEqual({ 200: 600 });
  expect(limited.status()).toBe(429);
  const retryAfter = Number(limited.headers()["retry-after"]);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(await limited.json()).toMatchObject({ error: { code: "rate_limited" } });

  // Another user of the same organisation is not affected.
  const other = await playwright.request.newContext({ baseURL });
  await attemptLogin(other, org.staff.email, org.staff.password);
  expect((await feed(other)).status()).toBe(200);
  await other.dispose();

  // The patient's calendar shows why it is empty.
  await new MyCalendarPage(page).goto();
  await expect(page.getByRole("alert").filter({ hasText: "Too many requests" })).toHaveText(/Too many requests\. Try again in \d+ seconds\./);
});
