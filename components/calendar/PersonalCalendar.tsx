"use client";

import FullCalendar, { type CalendarRef, type DatesSetInfo, type EventClickInfo, type EventSourceFuncInfo, useCalendarController } from "@fullcalendar/react";
import { useCallback, useMemo, useRef, useState } from "react";
import type { FeedOccurrence } from "@/lib/events/types";
import { fetchOccurrences } from "./api-client";
import { CALENDAR_PLUGINS, calendarSettingsOptions, datesSetToLocal, DEFAULT_CALENDAR_SETTINGS, type CalendarSettings } from "./calendar-options";
import { todayIn } from "./local-dates";
import { OccurrenceDetails } from "./OccurrenceDetails";
import { toCalendarEvents, type OccurrenceProps } from "./occurrence-events";
import { usePatientDirectory } from "./patient-directory";
import { FC_VIEW, viewFromFullCalendar, type PlannerView } from "./planner-state";
import { PlannerToolbar } from "./PlannerToolbar";
import { SessionEnded } from "./SessionEnded";
import { useLiveUpdates } from "./use-live-updates";

export interface PersonalCalendarProps {
  timeZone: string;
  patientId: string;
  /** The organisation's week start and working hours. */
  settings?: CalendarSettings;
}

const VIEWS: PlannerView[] = ["week", "month", "list"];
const ORG = { kind: "org" } as const; // a patient's feed is always their own, whatever is asked

/** A patient's own appointments, read-only, in their time zone; the list view on small screens. */
export default function PersonalCalendar({ timeZone, patientId, settings = DEFAULT_CALENDAR_SETTINGS }: PersonalCalendarProps) {
  const settingsOptions = useMemo(() => calendarSettingsOptions(settings), [settings]);
  const directory = usePatientDirectory();
  const controller = useCalendarController();
  const calendarRef = useRef<CalendarRef>(null);
  const [initialView] = useState<PlannerView>(() => (window.matchMedia("(max-width: 720px)").matches ? "list" : "week"));
  const [view, setView] = useState(initialView);
  const [date, setDate] = useState(() => todayIn(timeZone));
  const [status, setStatus] = useState({ loading: true, error: "" });
  const [open, setOpen] = useState<FeedOccurrence | null>(null);

  const loadEvents = useCallback(
    async (info: EventSourceFuncInfo) => {
      const list = await fetchOccurrences(ORG, info.startStr, info.endStr, info.timeZone);
      await directory.ensure([patientId]);
      return toCalendarEvents(list, directory, { hidden: new Set(), showPatients: false, editable: false });
    },
    [directory, patientId],
  );
  const { signedOut } = useLiveUpdates(useCallback(() => calendarRef.current?.getApi().refetchEvents(), []));

  const onLoading = useCallback((loading: boolean) => setStatus((s) => ({ loading, error: loading ? "" : s.error })), []);
  const onFailure = useCallback((error: Error) => setStatus({ loading: false, error: `Appointments could not be loaded: ${error.message}` }), []);
  const onDatesSet = useCallback((info: DatesSetInfo) => {
    const type = viewFromFullCalendar(info.view.type);
    if (type) setView(type);
    setDate(datesSetToLocal(info));
  }, []);
  const onEventClick = useCallback((info: EventClickInfo) => {
    info.jsEvent.preventDefault();
    setOpen((info.event.extendedProps as OccurrenceProps).occurrence);
  }, []);

  return (
    <section className="personal" aria-label="Appointments calendar">
      <PlannerToolbar
        title={controller.view?.title ?? ""}
        view={view}
        views={VIEWS}
        date={date}
        onPrev={() => controller.prev()}
        onNext={() => controller.next()}
        onToday={() => controller.today()}
        onDate={(d) => controller.gotoDate(d)}
        onView={(v) => v !== "lanes" && controller.changeView(FC_VIEW[v])}
      />
      <p className="calendar-status" role="status" aria-live="polite" aria-label="Calendar status">
        {status.loading ? <span className="spinner" aria-hidden="true" /> : null}
        {status.loading ? "Loading appointments…" : ""}
      </p>
      {status.error && (
        <p className="error" role="alert">
          {status.error}
        </p>
      )}
      {signedOut && <SessionEnded />}
      <div id="calendar-panel" role="tabpanel" aria-label={`${view} view`} hidden={signedOut}>
        <FullCalendar
          ref={calendarRef}
          controller={controller}
          plugins={CALENDAR_PLUGINS}
          initialView={FC_VIEW[initialView as Exclude<PlannerView, "lanes">]}
          timeZone={timeZone}
          headerToolbar={false}
          height="auto"
          nowIndicator
          dayMaxEvents
          {...settingsOptions}
          events={loadEvents}
          loading={onLoading}
          eventSourceFailure={onFailure}
          datesSet={onDatesSet}
          eventClick={onEventClick}
        />
      </div>
      {open && <OccurrenceDetails occurrence={open} directory={directory} timeZone={timeZone} onClose={() => setOpen(null)} />}
    </section>
  );
}
