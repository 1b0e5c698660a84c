import { AppHeader } from "@/components/AppHeader";
import { PlannerLoader } from "@/components/calendar/CalendarLoader";
import { parsePlannerState } from "@/components/calendar/planner-state";
import { describeActor } from "@/lib/auth/describe-actor";
import { requirePageActor } from "@/lib/auth/require-page-actor";
import { listCohorts } from "@/lib/cohorts/cohorts";
import { calendarSettings } from "@/lib/org/settings";
import { clinicDirectory } from "@/lib/resources/resources";
import { createEventAction, deleteEventAction, setStatusAction, updateEventAction } from "./actions";

const ACTIONS = { createEvent: createEventAction, updateEvent: updateEventAction, deleteEvent: deleteEventAction, setStatus: setStatusAction };

export const dynamic = "force-dynamic";

interface PageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export default async function CohortCalendarPage({ searchParams }: PageProps) {
  const actor = await requirePageActor(["admin", "staff"]);
  const [{ userName, orgName }, cohorts, clinic, params, settings] = await Promise.all([
    describeActor(actor),
    listCohorts(actor),
    clinicDirectory(actor),
    searchParams,
    calendarSettings(actor),
  ]);
  return (
    <>
      <AppHeader title={`${orgName} — cohort calendar`} subtitle={`${userName} (${actor.role})`} nav="staff" current="/calendar" role={actor.role} />
      <main>
        <PlannerLoader initial={parsePlannerState(params)} cohorts={cohorts} timeZone={actor.timeZone} actions={ACTIONS} clinic={clinic} settings={settings} />
      </main>
    </>
  );
}
