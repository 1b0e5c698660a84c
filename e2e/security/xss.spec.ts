import { eq } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import { db } from "@/lib/db/client";
import { events, occurrences, patients } from "@/lib/db/schema";
import { createTestEvent } from "@/lib/testing/test-organization";
import { expect, test } from "../fixtures";
import { MyCalendarPage } from "../pages/MyCalendarPage";
import { PlannerPage } from "../pages/PlannerPage";

/** Each payload sets window.__xss if it ever runs (the CSP would stop most of them too: both must hold). */
const TITLE = `<img src=x onerror="window.__xss='title'">Checkup`;
const DESCRIPTION = `<script>window.__xss='description'</script><b>bold</b>`;
const NAME = `<svg onload="window.__xss='name'">Patient`;
const INJECTED = "img[src='x'], script:not([src]):not([nonce]), svg[onload], b";

function todayAt(hour: number): Date {
  const now = new Date();
  const local = new Date(now.toLocaleString("en-US", { timeZone: "America/New_York" }));
  const offset = now.getTime() - local.getTime();
  local.setHours(hour, 0, 0, 0);
  return new Date(local.getTime() + offset);
}

async function hostileEvent(orgId: string, patientIds: string[]): Promise<string> {
  const id = await createTestEvent(orgId, { title: TITLE, start: todayAt(10), patientIds });
  await db().update(events).set({ description: DESCRIPTION }).where(eq(events.id, id));
  await db().update(occurrences).set({ description: DESCRIPTION }).where(eq(occurrences.eventId, id));
  return id;
}

const fired = (page: import("@playwright/test").Page) => page.evaluate(() => (window as { __xss?: string }).__xss);

test("titles and descriptions with HTML or script render as text: planner views, details dialog, patient calendar, ICS", async ({ page, org, loginAs }) => {
  test.slow();
  const patient = org.patients[0]!;
  await hostileEvent(org.id, [patient.id]);
  await loginAs(org.staff);
  const planner = new PlannerPage(page);
  await planner.goto();
  for (const view of ["Week", "Day", "Month", "List", "Lanes"] as const) {
    await planner.view(view);
    await expect(planner.calendar.getByText(TITLE).first(), view).toBeVisible();
    await expect(planner.calendar.locator(INJECTED), view).toHaveCount(0);
  }
  await planner.view("Week");
  await planner.event(TITLE).click();
  const details = page.getByRole("dialog", { name: TITLE });
  await expect(details).toBeVisible();
  await expect(details.getByText(DESCRIPTION)).toBeVisible();
  await expect(details.locator(INJECTED)).toHaveCount(0);
  expect(await fired(page)).toBeUndefined();

  // The feed carries the strings unchanged (JSON-escaped, not "sanitised" into something else).
  const body = (await (await page.request.get(`/api/events?start=${todayAt(0).toISOString()}&end=${todayAt(23).toISOString()}`)).json()) as {
    title: string;
    description?: string;
  }[];
  expect(body.find((e) => e.title === TITLE)?.description).toBe(DESCRIPTION);

  // The patient's own calendar, and their ICS feed (text/calendar, never sniffed as HTML).
  await loginAs(patient.user);
  const mine = new MyCalendarPage(page);
  await mine.goto();
  await expect(mine.calendar.getByText(TITLE).first()).toBeVisible();
  await expect(mine.calendar.locator(INJECTED)).toHaveCount(0);
  expect(await fired(page)).toBeUndefined();
  const feed = await page.request.get(await mine.issueFeedUrl());
  expect(feed.headers()["content-type"]).toContain("text/calendar");
  expect(feed.headers()["x-content-type-options"]).toBe("nosniff");
  const ics = (await feed.text()).replace(/\r\n[ \t]/g, "");
  expect(ics).toContain(`SUMMARY:${TITLE}`);
  expect(ics).toContain(`DESCRIPTION:${DESCRIPTION}`);
});

test("the audit view shows hostile titles and names as text", async ({ page, org, loginAs }) => {
  const [patient] = await db().insert(patients).values({ orgId: org.id, name: NAME, color: "#1a73e8" }).returning({ id: patients.id });
  const eventId = await hostileEvent(org.id, [patient!.id]);
  // A change of the event leaves an entry naming it (as the event handlers record their writes).
  await recordAudit(org.staff.actor, { action: "event.update", eventId, patientIds: [patient!.id], ip: "192.0.2.50" });
  // A staff read of that patient leaves an entry naming them.
  await loginAs(org.staff);
  const read = await page.request.get(`/api/events?start=${todayAt(0).toISOString()}&end=${todayAt(23).toISOString()}&patients=${patient!.id}`);
  expect(read.status()).toBe(200);

  await loginAs(org.admin);
  const table = page.getByRole("table", { name: "Audit entries" });
  await expect(async () => {
    await page.goto(`/admin/audit?patient=${patient!.id}`);
    await expect(table.getByText(NAME).first()).toBeVisible({ timeout: 1000 });
    await expect(table.getByText(`Event: ${TITLE}`)).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await expect(table.locator(INJECTED)).toHaveCount(0);
  expect(await fired(page)).toBeUndefined();
});
