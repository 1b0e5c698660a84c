import { AppHeader } from "@/components/AppHeader";
import { CalendarLoader } from "@/components/calendar/CalendarLoader";
import { describeActor } from "@/lib/auth/describe-actor";
import { requirePageActor } from "@/lib/auth/require-page-actor";

export const dynamic = "force-dynamic";

export default async function MyCalendarPage() {
  const actor = await requirePageActor(["patient"]);
  const { userName, orgName } = await describeActor(actor);
  return (
    <>
      <AppHeader title="My appointments" subtitle={`${userName} · ${orgName}`} role={actor.role} />
      <main>
        <CalendarLoader timeZone={actor.timeZone} initialView="listWeek" />
      </main>
    </>
  );
}
