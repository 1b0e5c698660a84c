import { createPatient } from "@/lib/patients/admin-patients";
import { createTestEvent } from "@/lib/testing/test-organization";
import { expect, test } from "../fixtures";
import { LoginPage } from "../pages/LoginPage";
import { PatientRecordPage, waitForHydration } from "../pages/AdminPatientsPage";
import { feed } from "../support/auth";
import { dayAt } from "../support/data";
import { saveScreen } from "../support/screens";

test("invite → the patient sets a password → sees their calendar; disable ends their open session", async ({ page, browser, baseURL, org, loginAs }) => {
  const email = `invitee-${org.tag}@example.test`;
  const patientId = await createPatient(org.admin.actor, { name: `Invitee ${org.tag}`, email });
  await createTestEvent(org.id, { title: `Check-up ${org.tag}`, start: dayAt(10), patientIds: [patientId] });

  await loginAs(org.admin);
  const record = new PatientRecordPage(page);
  await record.goto(patientId);
  const link = await record.invite();
  await expect(page.getByRole("status").filter({ hasText: "pass this link to" })).toBeVisible();
  await saveScreen(page, "admin-invite");

  // The patient, in a browser of their own.
  const patient = await browser.newContext({ baseURL });
  const patientPage = await patient.newPage();
  await patientPage.goto(new URL(link).pathname);
  await waitForHydration(patientPage);
  await expect(patientPage.getByText(`You will sign in as ${email}`)).toBeVisible();
  await patientPage.getByLabel("New password (at least 12 characters)").fill("my-own-password-1");
  await patientPage.getByLabel("Repeat the password").fill("my-own-password-2");
  await patientPage.getByRole("button", { name: "Set password" }).click();
  await expect(patientPage.getByRole("alert").filter({ hasText: "do not match" })).toBeVisible();
  await patientPage.getByLabel("New password (at least 12 characters)").fill("my-own-password-1");
  await patientPage.getByLabel("Repeat the password").fill("my-own-password-1");
  await patientPage.getByRole("button", { name: "Set password" }).click();
  await expect(patientPage).toHaveURL(/\/login\?passwordSet=1/);
  const login = new LoginPage(patientPage);
  await login.signIn(email, "my-own-password-1");
  await expect(patientPage).toHaveURL(/\/my-calendar/);
  await expect(patientPage.getByRole("button", { name: new RegExp(`Check-up ${org.tag}`) }).first()).toBeVisible();

  // The link worked once.
  const again = await browser.newContext({ baseURL });
  const againPage = await again.newPage();
  await againPage.goto(new URL(link).pathname);
  await expect(againPage.getByText("This link does not work")).toBeVisible();
  await again.close();

  // Disable: the patient's open session stops working at once.
  expect((await feed(patientPage.request)).status()).toBe(200);
  await record.goto(patientId);
  await expect(page.getByText("Active · signs in as")).toBeVisible();
  await page.getByRole("button", { name: "Disable login" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Login disabled" })).toBeVisible();
  expect((await feed(patientPage.request)).status()).toBe(401);
  await patientPage.goto("/my-calendar");
  await expect(patientPage).toHaveURL(/\/login/);
  await login.signIn(email, "my-own-password-1");
  await expect(login.error).toBeVisible();

  // Reset gives a new link (after enabling again).
  await page.getByRole("button", { name: "Enable login" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Login enabled" })).toBeVisible();
  await page.getByRole("button", { name: "Reset login" }).click();
  await expect(page.getByRole("form", { name: "Reset login" }).getByLabel("One-time link")).toHaveValue(/\/invite\//);
  await patient.close();
});

test("an admin invites a staff member and changes their role; settings reach the calendars", async ({ page, browser, baseURL, org, loginAs }) => {
  await loginAs(org.admin);
  await page.goto("/admin/users");
  await waitForHydration(page);
  const invite = page.getByRole("form", { name: "Invite" });
  await invite.getByLabel("Name").fill(`Nurse ${org.tag}`);
  await invite.getByLabel("E-mail").fill(`nurse-${org.tag}@example.test`);
  await invite.getByRole("button", { name: "Invite" }).click();
  const link = await invite.getByLabel("One-time link").inputValue();
  expect(link).toMatch(/\/invite\//);

  const nurse = await browser.newContext({ baseURL });
  const nursePage = await nurse.newPage();
  await nursePage.goto(new URL(link).pathname);
  await waitForHydration(nursePage);
  await nursePage.getByLabel("New password (at least 12 characters)").fill("nurse-password-1");
  await nursePage.getByLabel("Repeat the password").fill("nurse-password-1");
  await nursePage.getByRole("button", { name: "Set password" }).click();
  await expect(nursePage).toHaveURL(/\/login\?passwordSet=1/);
  await new LoginPage(nursePage).signIn(`nurse-${org.tag}@example.test`, "nurse-password-1");
  await expect(nursePage).toHaveURL(/\/calendar/);
  expect((await nursePage.request.get("/admin/users", { maxRedirects: 0 })).status()).toBe(307);

  // Made an admin: the session they had ends (it carried the old role).
  await page.goto("/admin/users");
  await page.getByRole("link", { name: `Nurse ${org.tag}` }).click();
  await page.getByRole("button", { name: "Make admin" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Role changed" })).toBeVisible();
  expect((await feed(nursePage.request)).status()).toBe(401);
  await nurse.close();

  // Settings: weeks start on Monday; the calendar's week view begins with Monday.
  await page.goto("/admin/settings");
  await waitForHydration(page);
  const form = page.getByRole("form", { name: "Organisation settings" });
  await form.getByLabel("Working hours from").fill("09:00");
  await form.getByLabel("to", { exact: true }).fill("08:00");
  await form.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "workdayEnd" })).toHaveText("workdayEnd: must be after the start of the working day");
  await waitForHydration(page);
  await form.getByLabel("Weeks start on").selectOption("Monday");
  await form.getByLabel("Working hours from").fill("09:00");
  await form.getByLabel("to", { exact: true }).fill("17:00");
  await form.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Settings saved" })).toBeVisible();
  await saveScreen(page, "admin-settings");
  await page.goto("/calendar?view=week&date=2031-03-12");
  await expect(page.getByRole("columnheader").first()).toContainText("Mon");
});
