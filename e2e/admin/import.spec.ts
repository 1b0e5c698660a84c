import { db } from "@/lib/db/client";
import { expect, test } from "../fixtures";
import { ImportPage, PatientsListPage } from "../pages/AdminPatientsPage";
import { saveScreen } from "../support/screens";

const countOf = async (orgId: string) => (await db().$sql<{ n: number }[]>`SELECT count(*)::int AS n FROM patients WHERE org_id = ${orgId}`)[0]!.n;

test("a CSV import: preview with rejected rows and reasons, import with progress, again is a no-op", async ({ page, org, loginAs }) => {
  await loginAs(org.admin);
  const importer = new ImportPage(page);
  await importer.goto();
  const lines = ["MRN,Last Name,First Name,DOB,Email"];
  for (let i = 0; i < 2500; i += 1) lines.push(`M${i},Imported${i},Pat ${org.tag},1980-01-${String((i % 28) + 1).padStart(2, "0")},m${i}-${org.tag}@example.test`);
  lines.push(`M-bad,,,1980-01-01,`, `M-date,Late,Bad Date,1980-02-31,`);
  const csv = lines.join("\n");
  await importer.choose("export.csv", csv);
  await expect(importer.preview.getByRole("status")).toContainText("2502 rows: 2500 to create, 0 to update, 0 unchanged, 2 rejected.");
  const rejected = importer.preview.getByRole("table", { name: "Rejected rows" });
  await expect(rejected.getByRole("row")).toHaveCount(3);
  await expect(rejected).toContainText("name is required");
  await expect(rejected).toContainText("date of birth is not a real date");
  await saveScreen(page, "admin-import-preview");
  expect(await countOf(org.id)).toBe(2);

  await page.getByRole("button", { name: "Import 2500 patients" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Imported:" })).toHaveText("Imported: 2500 created, 0 updated, 0 unchanged, 2 rejected.");
  expect(await countOf(org.id)).toBe(2502);

  // The same file again: every row unchanged, nothing to import.
  await importer.choose("export.csv", csv);
  await expect(importer.preview.getByRole("status")).toContainText("0 to create, 0 to update, 2500 unchanged, 2 rejected.");
  await expect(page.getByRole("button", { name: "Import 0 patients" })).toBeDisabled();

  const list = new PatientsListPage(page);
  await list.goto(`?q=${encodeURIComponent(`pat ${org.tag}`)}`);
  await expect(list.count).toHaveText("2,500 patients · page 1 of 50");
});

test("bad files get a clear message and write nothing", async ({ page, org, loginAs }) => {
  await loginAs(org.admin);
  const importer = new ImportPage(page);
  await importer.goto();
  await importer.choose("latin1.csv", Buffer.concat([Buffer.from("external_id,name\nL-1,Ren"), Buffer.from([0xe9]), Buffer.from("e\n")]));
  await expect(importer.error).toContainText("not UTF-8");
  await importer.choose("columns.csv", "name,dob\nSomeone,2000-01-01\n");
  await expect(importer.error).toContainText("lacks an external id");
  await importer.choose("dupes.csv", "mrn,name\nD-1,One\nD-1,Two\n");
  await expect(importer.error).toContainText('"D-1" (lines 2 and 3)');
  expect(await countOf(org.id)).toBe(2);

  // A 50 MB upload is refused before it is read (413), also when it is committed directly.
  const big = Buffer.alloc(50 * 1024 * 1024, "a");
  for (const url of ["/api/admin/patients/import", "/api/admin/patients/import?commit=1"]) {
    const response = await page.request.post(url, { multipart: { file: { name: "big.csv", mimeType: "text/csv", buffer: big } } });
    expect(response.status()).toBe(413);
    expect(((await response.json()) as { error: { code: string; message: string } }).error.message).toMatch(/larger than 20 MB/);
  }
  expect(await countOf(org.id)).toBe(2);
});

test("the import is for admins: staff and patients get 403", async ({ page, org, loginAs }) => {
  for (const user of [org.staff, org.patients[0]!.user]) {
    await loginAs(user);
    const response = await page.request.post("/api/admin/patients/import?commit=1", {
      multipart: { file: { name: "x.csv", mimeType: "text/csv", buffer: Buffer.from("mrn,name\nX-1,Intruder\n") } },
    });
    expect(response.status()).toBe(403);
  }
  expect(await countOf(org.id)).toBe(2);
});
