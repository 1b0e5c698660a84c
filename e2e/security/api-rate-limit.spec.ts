import { expect, test } from "../fixtures";
import { attemptLogin, feed } from "../support/auth";
import { CalendarPage } from "../pages/CalendarPage";

test("each user gets 600 API requests a minute; the next is 429 with Retry-After and the calendar says so", async ({ page, playwright, baseURL, org, loginAs }) => {
  test.slow();
  const patient = org.patients[0]!.user;
  await loginAs(patient);
  const statuses: number[] = [];
  // The window opens with the user's first request (signing in and pages do not count); 600 in parallel batches.
  for (let batch = 0; batch < 30; batch++) {
    const replies = await Promise.all(Array.from({ length: 20 }, () => feed(page.request)));
    statuses.push(...replies.map((r) => r.status()));
  }
  const limited = await feed(page.request);
  expect(statuses.filter((s) => s === 200)).toHaveLength(600);
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
  await page.goto("/my-calendar");
  const calendar = new CalendarPage(page);
  await expect(calendar.calendar).toBeVisible();
  await expect(page.locator("p.calendar-status")).toHaveText("Too many requests. Wait a minute, then reload.");
});
