import Link from "next/link";
import { AppHeader } from "@/components/AppHeader";
import { FlashMessages } from "@/components/admin/FlashMessages";
import { PatientForm } from "@/components/admin/PatientForm";
import { describeActor } from "@/lib/auth/describe-actor";
import { requirePageActor } from "@/lib/auth/require-page-actor";
import { getOrgSettings } from "@/lib/org/settings";
import { createPatientAction } from "../actions";

export const dynamic = "force-dynamic";

export default async function NewPatientPage({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  const actor = await requirePageActor(["admin"]);
  const [{ userName, orgName }, settings, { error }] = await Promise.all([describeActor(actor), getOrgSettings(actor.orgId), searchParams]);
  return (
    <>
      <AppHeader title={`${orgName} — new patient`} subtitle={`${userName} (admin)`} role={actor.role} current="/patients" />
      <main className="admin-page">
        <p>
          <Link href="/patients">← All patients</Link>
        </p>
        <FlashMessages error={error} />
        <PatientForm action={createPatientAction} palette={settings.palette} />
      </main>
    </>
  );
}
