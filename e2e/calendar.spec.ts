import { createTestEvent } from "@/lib/testing/test-organization";
import { expect, test } from "./fixtures";
import { CalendarPage } from "./pages/CalendarPage";

/** Today at a given local hour in the organisation's zone (America/New_York, as the browser is pinned). */
function todayAt(hour: number): Date {
  const now = new Date();
  const local = new Date(now.toLocaleString("en-US", { timeZone: "America/New_York" }));
  const offset = now.getTime() - local.getTime();
  local.setHours(hour, 0, 0, 0);
  return new Date(local.getTime() + offset);
}

test("staff see every patient's appointments of their organisation", async ({ page, org, loginAs }) => {
  const [first, second] = org.patients;
  await createTestEvent(org.id, { title: `Physio ${org.tag}`, start: todayAt(10), patientIds: [first!.id] });
  await createTestEvent(org.id, { title: `Group ${org.tag}`, start: todayAt(14), minutes: 60, patientIds: [first!.id, second!.id] });

  await loginAs(org.staff);
  const calendar = new CalendarPage(page);
  await calendar.gotoCohort();
  await calendar.waitForLoaded();
  await expect(calendar.event(`Physio ${org.tag}`)).toBeVisible();
  await expect(calendar.event(`Group ${org.tag}`)).toBeVisible();
});

test("a patient sees only their own appointments", async ({ page, org, loginAs }) => {
  const [first, second] = org.patients;
  await createTestEvent(org.id, { title: `Mine ${org.tag}`, start: todayAt(9), patientIds: [first!.id] });
  await createTestEvent(org.id, { title: `Theirs ${org.tag}`, start: todayAt(11), patientIds: [second!.id] });
  await createTestEvent(org.id, { title: `Together ${org.tag}`, start: todayAt(15), patientIds: [first!.id, second!.id] });

  await loginAs(first!.user);
  await page.goto("/");
  await expect(page).toHaveURL(/\/my-calendar$/);
  const calendar = new CalendarPage(page);
  await calendar.waitForLoaded();
  await expect(calendar.event(`Mine ${org.tag}`)).toBeVisible();
  await expect(calendar.event(`Together ${org.tag}`)).toBeVisible();
  await expect(page.getByText(`Theirs ${org.tag}`)).toHaveCount(0);

  // The feed itself never carries another patient's appointment or id.
  const feed = await page.request.get(`/api/events?start=${todayAt(0).toISOString()}&end=${todayAt(23).toISOString()}`);
  const body = (await feed.json()) as { title: string; patientIds: string[] }[];
  expect(body.map((e) => e.title).sort()).toEqual([`Mine ${org.tag}`, `Together ${org.tag}`]);
  expect(body.flatMap((e) => e.patientIds)).toEqual([first!.id, first!.id]);
});

test("patients cannot open the cohort calendar", async ({ page, org, loginAs }) => {
  await loginAs(org.patients[0]!.user);
  await page.goto("/calendar");
  await expect(page).toHaveURL(/\/my-calendar$/);
});
