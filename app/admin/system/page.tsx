import type { Metadata } from "next";
import { AppHeader } from "@/components/AppHeader";
import { AutoRefresh } from "@/components/ops/AutoRefresh";
import { SystemView } from "@/components/ops/SystemView";
import { describeActor } from "@/lib/auth/describe-actor";
import { requirePageActor } from "@/lib/auth/require-page-actor";
import { systemReport } from "@/lib/ops/system-report";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "System — Cohort Calendar" };

/** Admins only: staff and patients are sent to their own calendar, visitors to the login. */
export default async function SystemPage() {
  const actor = await requirePageActor(["admin"]);
  const [{ userName, orgName }, report] = await Promise.all([describeActor(actor), systemReport(actor.orgId)]);
  return (
    <>
      <AppHeader title={`${orgName} — System`} subtitle={`${userName} (${actor.role})`} nav="staff" current="/admin/system" role={actor.role} />
      <main>
        <AutoRefresh seconds={15} />
        <SystemView report={report} />
      </main>
    </>
  );
}
