import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/lib/db/client";
import { closeRedis } from "@/lib/redis/client";
import { createTestOrganization, type TestOrganization } from "@/lib/testing/test-organization";
import { MAX_IMPORT_BYTES } from "./parse-csv";
import { listPatientsForAdmin } from "../admin-patients";
import { commitImport, previewImport } from "./run-import";

let org: TestOrganization;
let other: TestOrganization;
beforeAll(async () => {
  [org, other] = await Promise.all([createTestOrganization(), createTestOrganization()]);
});
afterAll(async () => {
  await closeRedis();
  await closeDb();
});

const utf8 = (text: string) => new TextEncoder().encode(text);
const patientsOf = async (orgId: string) =>
  db().$sql<{ external_id: string | null; name: string; date_of_birth: string | null; email: string | null; color: string }[]>`
    SELECT external_id, name, date_of_birth::text, email, color FROM patients WHERE org_id = ${orgId} ORDER BY external_id NULLS FIRST, name`;
const count = async (orgId: string) => (await db().$sql<{ n: number }[]>`SELECT count(*)::int AS n FROM patients WHERE org_id = ${orgId}`)[0]!.n;

describe("CSV import of patients", () => {
  it("previews, commits, and is idempotent on the external id", async () => {
    const admin = org.admin.actor;
    const file = utf8(
      "Patient ID,First Name,Last Name,DOB,Email,Insurance\r\n" +
        'A-1,Ada,Lovelace,1915-12-10,ADA@example.test,Acme\r\n' +
        'A-2,"Grace ""Amazing""",Hopper,1906-12-09,,Acme\r\n' +
        "A-3,Émile,Zola,1940-04-02,emile@example.test,\r\n",
    );
    const preview = await previewImport(admin, file);
    expect(preview.rejected).toEqual([]);
    expect(preview.counts).toEqual({ create: 3, update: 0, unchanged: 0, reject: 0 });
    expect(preview.ignoredColumns).toEqual(["Insurance"]);
    expect(preview.creates.map((c) => c.name)).toEqual(["Ada Lovelace", 'Grace "Amazing" Hopper', "Émile Zola"]);
    expect(await count(org.id)).toBe(2); // a preview writes nothing

    expect(await commitImport(admin, file, null)).toEqual({ created: 3, updated: 0, unchanged: 0, rejected: 0 });
    const rows = (await patientsOf(org.id)).filter((p) => p.external_id);
    expect(rows.map((p) => [p.external_id, p.name, p.date_of_birth, p.email])).toEqual([
      ["A-1", "Ada Lovelace", "1915-12-10", "ada@example.test"],
      ["A-2", 'Grace "Amazing" Hopper', "1906-12-09", null],
      ["A-3", "Émile Zola", "1940-04-02", "emile@example.test"],
    ]);
    expect(rows.every((p) => /^#[0-9a-f]{6}$/.test(p.color))).toBe(true);

    // The same file again: nothing to do. A changed row updates in place.
    expect((await previewImport(admin, file)).counts).toEqual({ create: 0, update: 0, unchanged: 3, reject: 0 });
    expect(await commitImport(admin, file, null)).toEqual({ created: 0, updated: 0, unchanged: 3, rejected: 0 });
    const changed = utf8("external_id;name;date_of_birth\nA-1;Ada King;1915-12-10\nA-4;Alan Turing;1912-06-23\n");
    const preview2 = await previewImport(admin, changed);
    expect(preview2.counts).toEqual({ create: 1, update: 1, unchanged: 0, reject: 0 });
    expect(preview2.updates).toEqual([{ line: 2, externalId: "A-1", name: "Ada King", changed: ["name"] }]);
    await commitImport(admin, changed, null);
    const after = await patientsOf(org.id);
    expect(after.find((p) => p.external_id === "A-1")).toMatchObject({ name: "Ada King", email: "ada@example.test" });
    expect(await count(org.id)).toBe(2 + 4);
    // Another organisation's patients with the same external ids are untouched and unseen.
    expect(await count(other.id)).toBe(2);
  });

  it("rejects bad rows with their reasons and imports the rest", async () => {
    const admin = other.admin.actor;
    const file = utf8(
      [
        "external_id,name,date_of_birth,email,colour,time_zone",
        "B-1,Good Row,2001-02-03,good@example.test,#AABBCC,Europe/London",
        ",No Id,2001-02-03,,,",
        "B-3,,2001-02-03,,,",
        "B-4,Bad Date,2001-02-30,,,",
        "B-5,Future,2999-01-01,,,",
        "B-6,Bad Mail,,not-an-address,,",
        "B-7,Bad Zone,,,,Mars/Olympus",
        "B-8,Bad Colour,,,red,",
        "B-9,<script>alert(1)</script>,,,,",
      ].join("\n"),
    );
    const preview = await previewImport(admin, file);
    expect(preview.counts).toEqual({ create: 2, update: 0, unchanged: 0, reject: 7 });
    expect(preview.rejected).toEqual([
      { line: 3, externalId: "", reason: "the external id is missing" },
      { line: 4, externalId: "B-3", reason: "name is required" },
      { line: 5, externalId: "B-4", reason: "date of birth is not a real date" },
      { line: 6, externalId: "B-5", reason: "date of birth is in the future" },
      { line: 7, externalId: "B-6", reason: "e-mail must be an e-mail address" },
      { line: 8, externalId: "B-7", reason: "time zone is not a known time zone (e.g. Europe/London)" },
      { line: 9, externalId: "B-8", reason: "colour must be a colour as #rrggbb" },
    ]);
    await commitImport(admin, file, null);
    const rows = (await patientsOf(other.id)).filter((p) => p.external_id);
    // Markup is only text: it is stored as given and escaped wherever it is shown.
    expect(rows.map((p) => [p.external_id, p.name, p.color])).toEqual([
      ["B-1", "Good Row", "#aabbcc"],
      ["B-9", "<script>alert(1)</script>", expect.stringMatching(/^#/)],
    ]);
  });

  it("refuses hostile or broken files with a clear message and writes nothing", async () => {
    const fresh = await createTestOrganization();
    const admin = fresh.admin.actor;
    const before = await count(fresh.id);
    const latin1 = Uint8Array.from([...Buffer.from("external_id,name\nC-1,Ren"), 0xe9, ...Buffer.from("e\n")]);
    const cases: [string, Uint8Array, string, RegExp][] = [
      ["wrong encoding", latin1, "bad_request", /not UTF-8/],
      ["UTF-16", Uint8Array.from([0xff, 0xfe, 0x65, 0x00]), "bad_request", /UTF-16/],
      ["binary", Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]), "bad_request", /binary/],
      ["empty", new Uint8Array(), "bad_request", /empty/],
      ["missing columns", utf8("name,dob\nSomeone,2000-01-01\n"), "bad_request", /lacks an external id/],
      ["no name column", utf8("mrn,dob\n1,2000-01-01\n"), "bad_request", /lacks a name/],
      ["duplicate ids", utf8("mrn,name\nD-1,One\nD-2,Two\nD-1,Three\n"), "bad_request", /"D-1" \(lines 2 and 4\).*Nothing was imported/],
      ["unclosed quote", utf8('mrn,name\nE-1,"Never closed\n'), "bad_request", /not valid CSV/],
      ["too large", new Uint8Array(MAX_IMPORT_BYTES + 1), "payload_too_large", /larger than/],
    ];
    for (const [what, bytes, code, message] of cases) {
      await expect(previewImport(admin, bytes), what).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
      await expect(commitImport(admin, bytes, null), what).rejects.toMatchObject({ code });
    }
    expect(await count(fresh.id)).toBe(before);
  });

  it("is for admins only", async () => {
    const file = utf8("mrn,name\nS-1,Staff Try\n");
    await expect(previewImport(org.staff.actor, file)).rejects.toMatchObject({ code: "forbidden" });
    await expect(commitImport(org.patients[0]!.user.actor, file, null)).rejects.toMatchObject({ code: "forbidden" });
  });

  it("imports 10,000 rows well within 30 seconds, with progress", async () => {
    const big = await createTestOrganization();
    const lines = ["Patient ID,Last Name,First Name,DOB,Email,Notes"];
    for (let i = 0; i < 10_000; i += 1) {
      const day = String((i % 28) + 1).padStart(2, "0");
      lines.push(`P${String(i).padStart(5, "0")},Surname${i},Given${i},19${50 + (i % 50)}-0${(i % 9) + 1}-${day},p${i}@example.test,"Note, with comma ${i}"`);
    }
    const file = utf8(lines.join("\r\n"));
    const started = performance.now();
    const preview = await previewImport(big.admin.actor, file);
    const previewMs = performance.now() - started;
    expect(preview.counts.create).toBe(10_000);
    const progress: number[] = [];
    const commitStarted = performance.now();
    await commitImport(big.admin.actor, file, null, (done) => progress.push(done));
    const commitMs = performance.now() - commitStarted;
    expect(progress).toEqual([1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000]);
    expect(await count(big.id)).toBe(10_002);
    const again = performance.now();
    expect((await previewImport(big.admin.actor, file)).counts.unchanged).toBe(10_000);
    const rePreviewMs = performance.now() - again;
    console.log(`import of 10,000 rows: preview ${previewMs.toFixed(0)} ms, commit ${commitMs.toFixed(0)} ms, preview of the same file again ${rePreviewMs.toFixed(0)} ms`);
    expect(previewMs + commitMs).toBeLessThan(30_000);

    // The admin list at 10,000 patients: server-side search, sort and paging (figures for the report),
    // once autovacuum has seen the bulk insert (visibility map and statistics, as in production).
    await db().$sql`VACUUM (ANALYZE) patients`;
    const timed = async (label: string, input: Record<string, string>) => {
      await listPatientsForAdmin(big.admin.actor, input);
      const t = performance.now();
      const runs = 20;
      let result: Awaited<ReturnType<typeof listPatientsForAdmin>> | undefined;
      for (let i = 0; i < runs; i += 1) result = await listPatientsForAdmin(big.admin.actor, input);
      console.log(`patient list at 10,000 (${label}): ${((performance.now() - t) / runs).toFixed(1)} ms per page of ${result!.patients.length}, total ${result!.total}`);
      return result!;
    };
    expect((await timed("first page by name", {})).patients[0]!.name).toBe("Given0 Surname0");
    expect((await timed("last page by name", { page: "201" })).page).toBe(201);
    expect((await timed("by date of birth, descending, page 100", { sort: "dateOfBirth", dir: "desc", page: "100" })).patients).toHaveLength(50);
    expect((await timed("search 'surname999'", { q: "surname999" })).total).toBe(11);
  }, 60_000);
});
