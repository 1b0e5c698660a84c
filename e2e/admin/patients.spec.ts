import { createTestCohort, createTestEvent, createTestOrganization } from "@/lib/testing/test-organization";
import { expect, loginViaApi, test } from "../fixtures";
import { PatientRecordPage, PatientsListPage } from "../pages/AdminPatientsPage";
import { PlannerPage } from "../pages/PlannerPage";
import { dayAt } from "../support/data";
import { expectAccessible, saveScreen } from "../support/screens";

test("an admin creates and edits a patient; the new name is on the next calendar read and on an open calendar", async ({ page, browser, baseURL, org, loginAs }) => {
  const [first] = org.patients;
  await createTestEvent(org.id, { title: `Physio ${org.tag}`, start: dayAt(10), patientIds: [first!.id] });
  await createTestEvent(org.id, { title: `Follow-up ${org.tag}`, start: dayAt(10, 2), patientIds: [first!.id] });

  // A staff member has the calendar open meanwhile.
  const staff = await browser.newContext({ baseURL });
  const staffPage = await staff.newPage();
  await loginViaApi(staffPage, org.staff);
  const openPlanner = new PlannerPage(staffPage);
  await openPlanner.goto();
  await expect(openPlanner.legendToggle(first!.name)).toBeVisible();

  await loginAs(org.admin);
  const list = new PatientsListPage(page);
  await list.goto();
  await page.getByRole("link", { name: "New patient" }).click();
  const form = page.getByRole("form", { name: "New patient" });
  await form.getByLabel("Name").fill(`Nora Nightingale ${org.tag}`);
  await form.getByLabel("Date of birth").fill("1990-05-12");
  await form.getByLabel("Contact e-mail").fill(`nora-${org.tag}@example.test`);
  await form.getByLabel("Notes").fill("Prefers mornings");
  await form.getByRole("button", { name: "Create patient" }).click();
  const record = new PatientRecordPage(page);
  await expect(page.getByRole("status").filter({ hasText: "Patient created" })).toBeVisible();
  await expect(record.details.getByLabel("Notes")).toHaveValue("Prefers mornings");
  await expectAccessible(page);
  await saveScreen(page, "admin-patient");

  // Rename the patient with an appointment.
  await record.goto(first!.id);
  await expect(page.getByRole("table", { name: "Upcoming appointments" })).toContainText(`Follow-up ${org.tag}`);
  await record.rename(`Renamed ${org.tag}`);

  // The next calendar read shows the new name (no stale cache), and so does the calendar left open.
  const planner = new PlannerPage(page);
  await planner.goto();
  await expect(planner.legendToggle(`Renamed ${org.tag}`)).toBeVisible();
  await expect(openPlanner.legendToggle(`Renamed ${org.tag}`)).toBeVisible();
  await staff.close();

  // Search and sort on the server.
  await list.goto();
  await list.searchFor(`renamed ${org.tag}`);
  await expect(list.names).toHaveText([`Renamed ${org.tag}`]);
  await expect(list.count).toHaveText("1 patient");
  await saveScreen(page, "admin-patients");
});

test("archiving a patient hides their future appointments but keeps their history on the calendars; restoring brings the future back", async ({ page, org, loginAs }) => {
  const [a, b] = org.patients;
  const cohortId = await createTestCohort(org.id, `Rehab ${org.tag}`, [a!.id, b!.id]);
  await createTestEvent(org.id, { title: `A next week ${org.tag}`, start: dayAt(9, 7), patientIds: [a!.id] });
  await createTestEvent(org.id, { title: `B last week ${org.tag}`, start: dayAt(11, -7), patientIds: [b!.id] });
  await createTestEvent(org.id, { title: `B next week ${org.tag}`, start: dayAt(11, 7), patientIds: [b!.id] });
  const dateOf = (days: number) => dayAt(11, days).toLocaleDateString("en-CA", { timeZone: "America/New_York" });
  const cohortWeek = (days: number) => `?view=week&cohort=${cohortId}&date=${dateOf(days)}`;
  const orgWeek = (days: number) => `?view=week&date=${dateOf(days)}`;
  await loginAs(org.admin);
  const planner = new PlannerPage(page);
  await planner.goto(cohortWeek(7));
  await expect(planner.event(`B next week ${org.tag}`)).toBeVisible();

  const record = new PatientRecordPage(page);
  await record.goto(b!.id);
  await page.getByRole("button", { name: "Archive patient" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Patient archived" })).toBeVisible();

  // The cohort's and the organisation's calendars: last week's appointment stays, next week's is gone.
  await planner.goto(cohortWeek(-7));
  await expect(planner.event(`B last week ${org.tag}`)).toBeVisible();
  // The legend still lists the archived member (their history is on this calendar), marked as such.
  await expect(planner.legend.getByRole("listitem").filter({ hasText: b!.name })).toContainText("(archived)");
  await saveScreen(page, "archived-patient-last-week");
  await planner.goto(cohortWeek(7));
  await expect(planner.event(`A next week ${org.tag}`)).toBeVisible();
  await expect(planner.event(`B next week ${org.tag}`)).toHaveCount(0);
  await saveScreen(page, "archived-patient-next-week");
  await planner.goto(orgWeek(-7));
  await expect(planner.event(`B last week ${org.tag}`)).toBeVisible();
  await planner.goto(orgWeek(7));
  await expect(planner.event(`A next week ${org.tag}`)).toBeVisible();
  await expect(planner.event(`B next week ${org.tag}`)).toHaveCount(0);
  const picker = await page.request.get(`/api/patients?q=${encodeURIComponent(b!.name)}`);
  expect(((await picker.json()) as { patients: unknown[] }).patients).toEqual([]);

  await record.goto(b!.id);
  await page.getByRole("button", { name: "Restore patient" }).click();
  await planner.goto(cohortWeek(7));
  await expect(planner.event(`B next week ${org.tag}`)).toBeVisible();
  await planner.goto(orgWeek(7));
  await expect(planner.event(`B next week ${org.tag}`)).toBeVisible();
});

test("staff see patients but cannot change them; another organisation's admin reaches none of it", async ({ page, org, loginAs }) => {
  const [first] = org.patients;
  await loginAs(org.staff);
  const record = new PatientRecordPage(page);
  await record.goto(first!.id);
  await expect(record.details.getByLabel("Name")).toBeDisabled();
  await expect(page.getByRole("button", { name: "Archive patient" })).toHaveCount(0);
  await page.goto("/patients/import");
  await expect(page).toHaveURL(/\/calendar/);
  expect((await page.request.post(`/api/admin/patients/${first!.id}/login`, { data: {} })).status()).toBe(403);

  const other = await createTestOrganization();
  await loginAs(other.admin);
  const response = await page.goto(`/patients/${first!.id}`);
  expect(response?.status()).toBe(404);
  const list = new PatientsListPage(page);
  await list.goto(`?q=${encodeURIComponent(first!.name)}`);
  await expect(list.count).toHaveText("0 patients");
  const invite = await page.request.post(`/api/admin/patients/${first!.id}/login`, { data: {} });
  expect([invite.status(), ((await invite.json()) as { error: { code: string } }).error.code]).toEqual([404, "not_found"]);

  // A patient sees none of it either.
  await loginAs(org.patients[1]!.user);
  await page.goto("/patients");
  await expect(page).toHaveURL(/\/my-calendar/);
});
