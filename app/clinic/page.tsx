import { AppHeader } from "@/components/AppHeader";
import { ClinicSetup } from "@/components/clinic/ClinicSetup";
import { describeActor } from "@/lib/auth/describe-actor";
import { requirePageActor } from "@/lib/auth/require-page-actor";
import { getWorkingHours, listClosures } from "@/lib/closures/closures";
import { clinicDirectory, listStaffUsers } from "@/lib/resources/resources";
import * as actions from "./actions";

export const dynamic = "force-dynamic";

const YEAR_MS = 366 * 86_400_000;

/** Clinic setup (administrators): clinicians, rooms, appointment types, closures and working hours. */
export default async function ClinicPage() {
  const actor = await requirePageActor(["admin"]);
  const now = new Date();
  const [{ userName, orgName }, clinic, staffUsers] = await Promise.all([describeActor(actor), clinicDirectory(actor, { includeArchived: true }), listStaffUsers(actor)]);
  const resourceIds = [...clinic.clinicians, ...clinic.rooms].map((r) => r.id).slice(0, 50);
  const [closures, hours] = await Promise.all([
    listClosures(actor, { start: new Date(now.getTime() - 7 * 86_400_000), end: new Date(now.getTime() + YEAR_MS), timeZone: actor.timeZone }),
    getWorkingHours(actor, resourceIds),
  ]);
  return (
    <>
      <AppHeader title={`${orgName} — clinic setup`} subtitle={`${userName} (${actor.role})`} nav="staff" current="/clinic" role={actor.role} />
      <main>
        <ClinicSetup
          clinic={clinic}
          staffUsers={staffUsers}
          closures={closures}
          workingHours={hours}
          actions={{
            createResource: actions.createResourceAction,
            updateResource: actions.updateResourceAction,
            createType: actions.createTypeAction,
            updateType: actions.updateTypeAction,
            createClosure: actions.createClosureAction,
            deleteClosure: actions.deleteClosureAction,
            setWorkingHours: actions.setWorkingHoursAction,
          }}
        />
      </main>
    </>
  );
}
