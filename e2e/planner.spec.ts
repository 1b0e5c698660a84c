import { createTestCohort, createTestEvent } from "@/lib/testing/test-organization";
import { expect, test } from "./fixtures";
import { PlannerPage } from "./pages/PlannerPage";
import { createEvent } from "@/lib/events/create-event";
import { dayAt } from "./support/data";
import { expectAccessible, saveScreen } from "./support/screens";

test("views, date picker and the link reopen the same calendar", async ({ page, org, loginAs }) => {
  const [first] = org.patients;
  await createTestEvent(org.id, { title: `Physio ${org.tag}`, start: dayAt(10), patientIds: [first!.id] });
  await loginAs(org.staff);
  const planner = new PlannerPage(page);
  await planner.goto();
  await expect(planner.event(`Physio ${org.tag}`)).toBeVisible();
  await expectAccessible(page);
  await saveScreen(page, "planner-week");

  await planner.view("Month");
  await expect(page).toHaveURL(/view=month/);
  await expect(planner.event(`Physio ${org.tag}`)).toBeVisible();
  await saveScreen(page, "planner-month");

  await planner.view("Year");
  await expect(page).toHaveURL(/view=year/);
  await expect(planner.title).toHaveText(String(new Date().getFullYear()));
  await saveScreen(page, "planner-year");

  await planner.view("Month");
  await planner.goToDate("2031-03-15");
  await expect(planner.title).toHaveText("March 2031");
  await expect(page).toHaveURL(/date=2031-03-01/);

  // The link alone reopens the same view and period.
  await page.reload();
  await planner.waitForLoaded();
  await expect(planner.title).toHaveText("March 2031");
  await expect(page.getByRole("tab", { name: "Month", exact: true })).toHaveAttribute("aria-selected", "true");

  await page.getByRole("button", { name: "Today" }).click();
  await expect(planner.event(`Physio ${org.tag}`)).toBeVisible();
  await planner.view("List");
  await expect(planner.event(`Physio ${org.tag}`)).toBeVisible();
});

test("a cohort, chosen patients, the legend's toggles and the lanes view", async ({ page, org, loginAs }) => {
  const [first, second] = org.patients;
  const cohortId = await createTestCohort(org.id, `Rehab ${org.tag}`, [first!.id, second!.id]);
  await createTestEvent(org.id, { title: `Solo ${org.tag}`, start: dayAt(9), patientIds: [first!.id] });
  await createTestEvent(org.id, { title: `Other ${org.tag}`, start: dayAt(11), patientIds: [second!.id] });
  await createTestEvent(org.id, { title: `Group ${org.tag}`, start: dayAt(14), minutes: 60, patientIds: [first!.id, second!.id] });

  await loginAs(org.staff);
  const planner = new PlannerPage(page);
  await planner.goto();
  await planner.showCohort(`Rehab ${org.tag}`);
  await expect(page).toHaveURL(new RegExp(`cohort=${cohortId}`));
  await expect(planner.legendToggle(first!.name)).toBeChecked();
  await expect(planner.legendToggle(second!.name)).toBeChecked();

  // Hiding a patient hides their own appointments; a group session stays for the other one.
  await planner.legendToggle(second!.name).uncheck();
  await expect(planner.calendar.getByText(`Other ${org.tag}`)).toHaveCount(0);
  await expect(planner.event(`Solo ${org.tag}`)).toBeVisible();
  await expect(planner.event(`Group ${org.tag}`)).toBeVisible();
  await planner.legendToggle(second!.name).check();
  await expect(planner.event(`Other ${org.tag}`)).toBeVisible();

  await planner.view("Lanes");
  const lanes = planner.lanes;
  await expect(lanes.getByRole("row", { name: new RegExp(first!.name) }).getByRole("button", { name: new RegExp(`Solo ${org.tag}`) })).toBeVisible();
  await expect(lanes.getByRole("row", { name: new RegExp(second!.name) }).getByRole("button", { name: new RegExp(`Group ${org.tag}`) })).toBeVisible();
  await expect(lanes.getByRole("row", { name: new RegExp(second!.name) }).getByRole("button", { name: new RegExp(`Solo ${org.tag}`) })).toHaveCount(0);
  await expectAccessible(page);
  await saveScreen(page, "planner-lanes");

  // Details open from a lane chip in a dialog that Escape closes.
  await lanes.getByRole("button", { name: new RegExp(`Group ${org.tag}`) }).first().click();
  const dialog = page.getByRole("dialog", { name: `Group ${org.tag}` });
  await expect(dialog).toContainText(first!.name);
  await expect(dialog).toContainText(second!.name);
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();

  // Chosen patients: the picker searches on the server; the link holds the ids.
  await planner.view("Week");
  await planner.choosePatients([second!.name]);
  await expect(page).toHaveURL(new RegExp(`patients=${second!.id}`));
  await expect(planner.event(`Other ${org.tag}`)).toBeVisible();
  await expect(planner.calendar.getByText(`Solo ${org.tag}`)).toHaveCount(0);
  await page.reload();
  await planner.waitForLoaded();
  await expect(planner.legendToggle(second!.name)).toBeVisible();
  await expect(planner.calendar.getByText(`Solo ${org.tag}`)).toHaveCount(0);
});

test("another user's change shows up without a reload", async ({ page, org, loginAs }) => {
  const [first] = org.patients;
  await loginAs(org.staff);
  const planner = new PlannerPage(page);
  await planner.goto();
  await expect(planner.calendar.getByText(`Live ${org.tag}`)).toHaveCount(0);
  // Give the browser's event stream a moment to subscribe before the change is announced.
  await page.waitForTimeout(500);

  // Another staff member books through the engine, which publishes the change on the organisation's channel.
  const start = dayAt(12);
  await createEvent(org.admin.actor, {
    title: `Live ${org.tag}`,
    start: start.toISOString(),
    end: new Date(start.getTime() + 30 * 60_000).toISOString(),
    timeZone: org.timeZone,
    patientIds: [first!.id],
  });
  await expect(planner.event(`Live ${org.tag}`)).toBeVisible({ timeout: 3000 });
});

test("feeds refuse other organisations' patients and the UI says so", async ({ page, org, loginAs }) => {
  await loginAs(org.staff);
  const planner = new PlannerPage(page);
  await page.goto("/calendar?view=week&patients=00000000-0000-4000-8000-000000000000");
  await expect(page.getByRole("alert").filter({ hasText: "Appointments could not be loaded" })).toContainText("not found");
  await expect(planner.calendar).toBeVisible();
});

test("the first week's appointments are asked for once: the page preloads them and the calendar takes that answer", async ({ page, org, loginAs }) => {
  await createTestEvent(org.id, { title: `Preloaded ${org.tag}`, start: dayAt(10), patientIds: [org.patients[0]!.id] });
  await loginAs(org.staff);
  const reads: string[] = [];
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.pathname === "/api/events" || url.pathname === "/api/schedule") reads.push(url.pathname + url.search);
  });
  const planner = new PlannerPage(page);
  const document = page.waitForResponse((response) => new URL(response.url()).pathname === "/calendar");
  await planner.goto("?view=week");
  await expect(planner.event(`Preloaded ${org.tag}`)).toBeVisible();
  const html = await (await document).text();
  const preloaded = [...html.matchAll(/<link rel="preload" href="([^"]+)" as="fetch" crossorigin="anonymous"/g)].map((m) => m[1]!.replaceAll("&amp;", "&"));
  expect(preloaded.map((url) => new URL(url, page.url()).pathname).sort()).toEqual(["/api/events", "/api/schedule"]);
  // Settled: nothing asked for twice, only what the head preloaded.
  await page.waitForLoadState("networkidle");
  expect(reads.sort()).toEqual(preloaded.sort());
});
