import { expect, test } from "./fixtures";
import { CohortsPage } from "./pages/CohortsPage";
import { PlannerPage } from "./pages/PlannerPage";
import { expectAccessible, saveScreen } from "./support/screens";

test("create a cohort, add and remove patients, rename it, and plan with it", async ({ page, org, loginAs }) => {
  const [first, second] = org.patients;
  await loginAs(org.staff);
  const cohorts = new CohortsPage(page);
  await cohorts.goto();
  await cohorts.create(`Falls ${org.tag}`);
  await cohorts.open(`Falls ${org.tag}`);
  await cohorts.add(first!.name);
  await cohorts.add(second!.name);
  await expect(cohorts.members.getByRole("listitem")).toHaveCount(2);
  await cohorts.members.getByRole("button", { name: `Remove ${second!.name}` }).click();
  await expect(cohorts.members.getByRole("listitem")).toHaveCount(1);
  await cohorts.rename.fill(`Falls clinic ${org.tag}`);
  await page.getByRole("button", { name: "Rename" }).click();
  await expect(page.getByRole("heading", { name: `Falls clinic ${org.tag}` })).toBeVisible();
  await expectAccessible(page);
  await saveScreen(page, "cohorts");

  const planner = new PlannerPage(page);
  await planner.goto();
  await planner.showCohort(`Falls clinic ${org.tag}`);
  await expect(planner.legendToggle(first!.name)).toBeVisible();
  await expect(planner.legendToggle(second!.name)).toHaveCount(0);
});

test("duplicate names are refused with a message", async ({ page, org, loginAs }) => {
  await loginAs(org.admin);
  const cohorts = new CohortsPage(page);
  await cohorts.goto();
  await cohorts.create(`Dup ${org.tag}`);
  await expect(cohorts.newName).toHaveValue(""); // the form resets after a successful create
  await cohorts.newName.fill(`Dup ${org.tag}`);
  await page.getByRole("button", { name: "Create" }).click();
  await expect(cohorts.status).toHaveText(`A cohort named "Dup ${org.tag}" already exists`);
});
