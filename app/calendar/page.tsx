import { AppHeader } from "@/components/AppHeader";
import { firstWindowUrls } from "@/components/calendar/first-window";
import { PlannerLoader } from "@/components/calendar/PlannerLoader";
import { parsePlannerState } from "@/components/calendar/planner-state";
import { describeActor } from "@/lib/auth/describe-actor";
import { requirePageActor } from "@/lib/auth/require-page-actor";
import { listCohorts } from "@/lib/cohorts/cohorts";
import { initialCohortMembers } from "@/lib/patients/queries";
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
  const params = await searchParams;
  const initial = parsePlannerState(params);
  const [{ userName, orgName }, cohorts, clinic, settings, initialMembers] = await Promise.all([
    describeActor(actor),
    listCohorts(actor),
    clinicDirectory(actor),
    calendarSettings(actor),
    // Sent with the page: the calendar names its first appointments without a lookup after the feed.
    initial.selection.kind === "cohort" ? initialCohortMembers(actor, initial.selection.cohortId) : undefined,
  ]);
  return (
    <>
      {/* Elements, not ReactDOM.preload: React hoists them into the HTML's head, so the browser asks for the
          first window as it reads it, while the scripts load (preload() travels as a hint in the RSC payload,
          applied only once those scripts run). The page's own fetch of the same URL takes the answer: same
          credentials mode ("anonymous" is fetch's default, "same-origin"), no extra headers. */}
      {firstWindowUrls(initial, actor.timeZone, settings.weekStart).map((url) => (
        <link key={url} rel="preload" href={url} as="fetch" crossOrigin="anonymous" />
      ))}
      <AppHeader title={`${orgName} — cohort calendar`} subtitle={`${userName} (${actor.role})`} nav="staff" current="/calendar" role={actor.role} />
      <main>
        <PlannerLoader initial={initial} cohorts={cohorts} initialMembers={initialMembers} timeZone={actor.timeZone} actions={ACTIONS} clinic={clinic} settings={settings} />
      </main>
    </>
  );
}
