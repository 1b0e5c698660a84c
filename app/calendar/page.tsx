import { AppHeader } from "@/components/AppHeader";
import { CalendarLoader } from "@/components/calendar/CalendarLoader";
import { describeActor } from "@/lib/auth/describe-actor";
import { requirePageActor } from "@/lib/auth/require-page-actor";

export const dynamic = "force-dynamic";

export default async function CohortCalendarPage() {
  const actor = await requirePageActor(["admin", "staff"]);
  const { userName, orgName } = await describeActor(actor);
  return (
    <>
      <AppHeader title={`${orgName} — cohort calendar`} subtitle={`${userName} (${actor.role})`} role={actor.role} />
      <main>
        <CalendarLoader timeZone={actor.timeZone} initialView="timeGridWeek" />
      </main>
    </>
  );
}
