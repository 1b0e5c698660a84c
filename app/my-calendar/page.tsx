import { AppHeader } from "@/components/AppHeader";
import { PersonalCalendarLoader } from "@/components/calendar/CalendarLoader";
import { SubscribePanel } from "@/components/calendar/SubscribePanel";
import { describeActor } from "@/lib/auth/describe-actor";
import { requirePageActor } from "@/lib/auth/require-page-actor";
import { calendarTokenIssuedAt } from "@/lib/ics/tokens";
import { calendarSettings } from "@/lib/org/settings";
import { resetFeedLink } from "./actions";

export const dynamic = "force-dynamic";

export default async function MyCalendarPage() {
  const actor = await requirePageActor(["patient"]);
  const [{ userName, orgName }, issuedAt, settings] = await Promise.all([describeActor(actor), calendarTokenIssuedAt(actor), calendarSettings(actor)]);
  return (
    <>
      <AppHeader title="My appointments" subtitle={`${userName} · ${orgName} · times in ${actor.timeZone}`} current="/my-calendar" role={actor.role} />
      <main className="personal-layout">
        <PersonalCalendarLoader timeZone={actor.timeZone} patientId={actor.patientId!} settings={settings} />
        <SubscribePanel issuedAt={issuedAt?.toISOString() ?? null} resetFeedLink={resetFeedLink} />
      </main>
    </>
  );
}
