import { DEMO_PASSWORD, expect, test } from "./fixtures";
import { CalendarPage } from "./pages/CalendarPage";
import { LoginPage } from "./pages/LoginPage";

test("a wrong password shows an error and creates no session", async ({ page, org }) => {
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn(org.admin.email, "not-the-password");
  await expect(login.error).toHaveText("Wrong email or password.");
  await expect(page).toHaveURL(/\/login/);
  const cookies = await page.context().cookies();
  expect(cookies.some((c) => c.name.endsWith("next-auth.session-token"))).toBe(false);
  const feed = await page.request.get("/api/events?start=2026-01-01&end=2026-01-08");
  expect(feed.status()).toBe(401);
});

test("the demo admin signs in with the form and lands on the cohort calendar with seeded appointments", async ({ page }) => {
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn("admin@sunrise.test", DEMO_PASSWORD);
  // The planner writes its view and date into the address once it has loaded (a shareable link), so the
  // landing page may already carry them.
  await expect(page).toHaveURL(/\/calendar(\?view=week&date=\d{4}-\d{2}-\d{2})?$/);
  const calendar = new CalendarPage(page);
  await expect(calendar.heading).toHaveText(/Sunrise Health/);
  await calendar.waitForLoaded();
  // Every weekday of the seeded week holds group sessions and individual appointments.
  await expect(calendar.event("Cardiac rehab group")).toBeVisible();
});

test("signing out ends the session on the server", async ({ page, org, loginAs }) => {
  await loginAs(org.staff);
  const before = await page.request.get("/api/events?start=2026-01-01&end=2026-01-08");
  expect(before.status()).toBe(200);
  const cookies = await page.context().cookies();
  await page.goto("/calendar");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  // Replaying the old cookie must not work: the session record is gone.
  await page.context().addCookies(cookies);
  const after = await page.request.get("/api/events?start=2026-01-01&end=2026-01-08");
  expect(after.status()).toBe(401);
});
