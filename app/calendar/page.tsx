import { AppHeader } from "@/components/AppHeader";
import { PlannerLoader } from "@/components/calendar/CalendarLoader";
import { parsePlannerState } from "@/components/calendar/planner-state";
import { describeActor } from "@/lib/auth/describe-actor";
import { requirePageActor } from "@/lib/auth/require-page-actor";
import { listCohorts } from "@/lib/cohorts/cohorts";
import { calendarSettings } from "@/lib/org/settings";
import { createEventAction, deleteEventAction, updateEventAction } from "./actions";

const ACTIONS = { createEvent: createEventAction, updateEvent: updateEventAction, deleteEvent: deleteEventAction };

export const dynamic = "force-dynamic";

interface PageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export default async function CohortCalendarPage({ searchParams }: PageProps) {
  const actor = await requirePageActor(["admin", "staff"]);
  const [{ userName, orgName }, cohorts, params, settings] = await Promise.all([describeActor(actor), listCohorts(actor), searchParams, calendarSettings(actor)]);
  return (
    <>
      <AppHeader title={`${orgName} — cohort calendar`} subtitle={`${userName} (${actor.role})`} nav="staff" current="/calendar" role={actor.role} />
      <main>
        <PlannerLoader initial={parsePlannerState(params)} cohorts={cohorts} timeZone={actor.timeZone} actions={ACTIONS} settings={settings} />
      </main>
    </>
  );
}
