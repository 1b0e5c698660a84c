import { AppHeader } from "@/components/AppHeader";
import { CohortManager } from "@/components/cohorts/CohortManager";
import { describeActor } from "@/lib/auth/describe-actor";
import { requirePageActor } from "@/lib/auth/require-page-actor";
import { listCohorts } from "@/lib/cohorts/cohorts";
import * as actions from "./actions";

export const dynamic = "force-dynamic";

export default async function CohortsPage() {
  const actor = await requirePageActor(["admin", "staff"]);
  const [{ userName, orgName }, cohorts] = await Promise.all([describeActor(actor), listCohorts(actor)]);
  return (
    <>
      <AppHeader title={`${orgName} — cohorts`} subtitle={`${userName} (${actor.role})`} nav="staff" current="/cohorts" role={actor.role} />
      <main>
        <CohortManager
          cohorts={cohorts}
          createCohort={actions.createCohortAction}
          renameCohort={actions.renameCohortAction}
          deleteCohort={actions.deleteCohortAction}
          addMembers={actions.addMembersAction}
          removeMembers={actions.removeMembersAction}
        />
      </main>
    </>
  );
}
