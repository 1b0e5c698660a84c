import { db } from "@/lib/db/client";
import { patients } from "@/lib/db/schema";
import { createTestCohort, createTestEvent, createTestOrganization } from "@/lib/testing/test-organization";
import { expect, test } from "./fixtures";
import { PlannerPage } from "./pages/PlannerPage";
import { dayAt } from "./support/data";

test("at clinic scale: the picker finds one patient among 5,000, and lanes show a cohort of 200, one row each", async ({ page, loginAs }) => {
  test.slow();
  const org = await createTestOrganization({ patients: 200 });
  // The rest of a 5,000-patient organisation, without logins (most patients never sign in).
  const extra = Array.from({ length: 4_800 }, (_, i) => ({ orgId: org.id, name: `Extra ${String(i + 1).padStart(4, "0")} ${org.tag}`, color: "#0b8043" }));
  for (let i = 0; i < extra.length; i += 1_000) await db().insert(patients).values(extra.slice(i, i + 1_000));
  const cohortIds = org.patients.map((p) => p.id);
  const cohortId = await createTestCohort(org.id, `Big cohort ${org.tag}`, cohortIds);
  await createTestEvent(org.id, { title: `Everyone ${org.tag}`, start: dayAt(9), minutes: 60, patientIds: cohortIds });
  const last = org.patients.at(-1)!;
  await createTestEvent(org.id, { title: `Solo ${org.tag}`, start: dayAt(14), patientIds: [last.id] });

  await loginAs(org.staff);
  const planner = new PlannerPage(page);

  // One patient among 5,000, found by typing part of the name.
  await planner.goto();
  await planner.choosePatients([`Extra 4321 ${org.tag}`]);
  await expect(planner.legendToggle(`Extra 4321 ${org.tag}`)).toBeVisible();

  // The cohort's lanes: a row per patient, each appointment on its patients' rows only.
  await planner.goto(`?view=lanes&cohort=${cohortId}`);
  const rows = planner.lanes.getByRole("row", { name: new RegExp(`Patient \\d+ ${org.tag}`) });
  await expect(rows).toHaveCount(200);
  const lastRow = planner.lanes.getByRole("row", { name: new RegExp(`^${last.name}\\b`) });
  await lastRow.scrollIntoViewIfNeeded();
  await expect(lastRow.getByRole("button", { name: new RegExp(`Solo ${org.tag}`) })).toBeVisible();
  await expect(lastRow.getByRole("button", { name: new RegExp(`Everyone ${org.tag}`) })).toBeVisible();
  const firstRow = planner.lanes.getByRole("row", { name: new RegExp(`^${org.patients[0]!.name}\\b`) });
  await expect(firstRow.getByRole("button", { name: new RegExp(`Everyone ${org.tag}`) })).toBeVisible();
  await expect(firstRow.getByRole("button", { name: new RegExp(`Solo ${org.tag}`) })).toHaveCount(0);
});
