import { eq } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import { db } from "@/lib/db/client";
import { events, occurrences, patients } from "@/lib/db/schema";
import { createTestEvent } from "@/lib/testing/test-organization";
import { expect, test } from "../fixtures";
import { CalendarPage } from "../pages/CalendarPage";

/** Each payload sets window.__xss if it ever runs; the CSP would also stop most, so both must fail to fire. */
const TITLE = `<img src=x onerror="window.__xss='title'">Checkup`;
const DESCRIPTION = `<script>window.__xss='description'</script><b>bold</b>`;
const NAME = `<svg onload="window.__xss='name'">Patient`;

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

test("titles and descriptions with HTML or script render as text in the calendar views", async ({ page, org, loginAs }) => {
  await hostileEvent(org.id, [org.patients[0]!.id]);
  await loginAs(org.staff);
  const calendar = new CalendarPage(page);
  await calendar.gotoCohort();
  await calendar.waitForLoaded();
  for (const view of ["Week", "Day", "Month", "List"] as const) {
    await calendar.showView(view);
    await expect(calendar.event(TITLE), view).toBeVisible();
    await expect(calendar.calendar.locator("img[src='x'], script, b"), view).toHaveCount(0);
  }
  // The feed carries the strings unchanged (JSON-escaped, not "sanitised" into something else).
  const body = (await (await page.request.get(`/api/events?start=${todayAt(0).toISOString()}&end=${todayAt(23).toISOString()}`)).json()) as {
    title: string;
    description?: string;
  }[];
  expect(body.find((e) => e.title === TITLE)?.description).toBe(DESCRIPTION);
  expect(await page.evaluate(() => (window as { __xss?: string }).__xss)).toBeUndefined();
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
  await expect(table.locator("svg, img, script")).toHaveCount(0);
  expect(await page.evaluate(() => (window as { __xss?: string }).__xss)).toBeUndefined();
});
