import { db } from "@/lib/db/client";
import { createTestCohort, createTestOrganization } from "@/lib/testing/test-organization";
import { expect, test } from "../fixtures";
import { testIp } from "../support/auth";

interface Row {
  action: string;
  actor_user_id: string | null;
  actor_role: string;
  patient_ids: string[];
  all_patients: boolean;
  cohort_id: string | null;
  ip: string | null;
}

/** The entry the server wrote for a request from `ip` (the consumer moves it from Redis within moments). */
async function entryFrom(ip: string): Promise<Row> {
  let rows: Row[] = [];
  await expect
    .poll(async () => {
      rows = await db().$sql<Row[]>`
        SELECT action, actor_user_id, actor_role, patient_ids, all_patients, cohort_id, ip FROM audit_log WHERE ip = ${ip}`;
      return rows.length;
    }, { timeout: 15_000 })
    .toBe(1);
  return rows[0]!;
}

const RANGE = "start=2026-01-05T00:00:00Z&end=2026-01-12T00:00:00Z";

test("every read of patients' events leaves an entry: who, which patients, what, from where", async ({ page, org, loginAs }) => {
  const [first, second] = org.patients;

  await loginAs(first!.user);
  let ip = testIp();
  expect((await page.request.get(`/api/events?${RANGE}`, { headers: { "x-forwarded-for": ip } })).status()).toBe(200);
  expect(await entryFrom(ip)).toEqual({
    action: "events.read",
    actor_user_id: first!.user.id,
    actor_role: "patient",
    patient_ids: [first!.id],
    all_patients: false,
    cohort_id: null,
    ip,
  });

  await loginAs(org.staff);
  ip = testIp();
  await page.request.get(`/api/events?${RANGE}&patients=${first!.id},${second!.id}`, { headers: { "x-forwarded-for": ip } });
  expect((await entryFrom(ip)).patient_ids.sort()).toEqual([first!.id, second!.id].sort());

  ip = testIp();
  const response = await page.request.post("/api/events/query", {
    data: { start: "2026-01-05T00:00:00Z", end: "2026-01-12T00:00:00Z", patientIds: [second!.id] },
    headers: { "x-forwarded-for": ip },
  });
  expect(response.status()).toBe(200);
  expect(await entryFrom(ip)).toMatchObject({ actor_user_id: org.staff.id, patient_ids: [second!.id] });

  const cohort = await createTestCohort(org.id, `Audited ${org.tag}`, [second!.id]);
  ip = testIp();
  await page.request.get(`/api/events?${RANGE}&cohort=${cohort}`, { headers: { "x-forwarded-for": ip } });
  expect(await entryFrom(ip)).toMatchObject({ cohort_id: cohort, patient_ids: [second!.id], all_patients: false });

  ip = testIp();
  await page.request.get(`/api/events?${RANGE}`, { headers: { "x-forwarded-for": ip } });
  expect(await entryFrom(ip)).toMatchObject({ actor_role: "staff", all_patients: true, patient_ids: [] });
});

test("admins filter the audit log of their own organisation only; others cannot open it", async ({ page, org, loginAs }) => {
  const other = await createTestOrganization();
  const [first, second] = org.patients;
  const ips = { first: testIp(), second: testIp(), foreign: testIp() };

  await loginAs(first!.user);
  await page.request.get(`/api/events?${RANGE}`, { headers: { "x-forwarded-for": ips.first } });
  await loginAs(second!.user);
  await page.request.get(`/api/events?${RANGE}`, { headers: { "x-forwarded-for": ips.second } });
  await loginAs(other.patients[0]!.user);
  await page.request.get(`/api/events?${RANGE}`, { headers: { "x-forwarded-for": ips.foreign } });
  for (const ip of Object.values(ips)) await entryFrom(ip);

  for (const user of [org.staff, first!.user]) {
    await loginAs(user);
    await page.goto("/admin/audit");
    await expect(page).not.toHaveURL(/\/admin\/audit/);
  }

  await loginAs(org.admin);
  const table = page.getByRole("table", { name: "Audit entries" });
  await page.goto("/admin/audit");
  await expect(table.getByRole("cell", { name: ips.first })).toBeVisible();
  await expect(table.getByRole("cell", { name: ips.second })).toBeVisible();
  await expect(table.getByText(ips.foreign)).toHaveCount(0);

  // By patient name: that patient's entries (and whole-organisation reads), not the other patient's.
  await page.getByLabel("Patient (name or id)").fill(first!.name);
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/patient=/);
  await expect(table.getByRole("cell", { name: ips.first })).toBeVisible();
  await expect(table.getByText(ips.second)).toHaveCount(0);

  // By user and action.
  await page.goto(`/admin/audit?user=${encodeURIComponent(second!.user.email)}&action=events.read`);
  await expect(table.getByRole("cell", { name: ips.second })).toBeVisible();
  await expect(table.getByText(ips.first)).toHaveCount(0);

  // Another organisation's patient id shows nothing.
  await page.goto(`/admin/audit?patient=${other.patients[0]!.id}`);
  await expect(table.getByText(ips.foreign)).toHaveCount(0);
});
