import Link from "next/link";
import { AppHeader } from "@/components/AppHeader";
import { HydrationMark } from "@/components/admin/HydrationMark";
import { PatientImport } from "@/components/admin/PatientImport";
import { describeActor } from "@/lib/auth/describe-actor";
import { requirePageActor } from "@/lib/auth/require-page-actor";
import { MAX_IMPORT_BYTES, MAX_IMPORT_ROWS } from "@/lib/patients/import/parse-csv";

export const dynamic = "force-dynamic";

export default async function ImportPatientsPage() {
  const actor = await requirePageActor(["admin"]);
  const { userName, orgName } = await describeActor(actor);
  return (
    <>
      <AppHeader title={`${orgName} — import patients`} subtitle={`${userName} (admin)`} role={actor.role} current="/patients" />
      <main className="admin-page">
        <HydrationMark />
        <p>
          <Link href="/patients">← All patients</Link>
        </p>
        <p>
          A CSV file in UTF-8 with a header row, as practice-management systems export it: an external id column
          (<code>external_id</code>, <code>patient id</code>, <code>MRN</code>…) and a name (<code>name</code>, or <code>first name</code> and{" "}
          <code>last name</code>); optionally <code>date of birth</code> (YYYY-MM-DD), <code>email</code>, <code>colour</code>, <code>time zone</code>,{" "}
          <code>notes</code>. Patients are matched on the external id: importing a file again updates them rather than adding them twice.
          At most {MAX_IMPORT_ROWS.toLocaleString("en-US")} rows and {MAX_IMPORT_BYTES / 1024 / 1024} MB per file.
        </p>
        <PatientImport />
      </main>
    </>
  );
}
