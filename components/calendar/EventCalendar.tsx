"use client";

import FullCalendar from "@fullcalendar/react";
import dayGridPlugin from "@fullcalendar/react/daygrid";
import listPlugin from "@fullcalendar/react/list";
import themePlugin from "@fullcalendar/react/themes/classic";
import timeGridPlugin from "@fullcalendar/react/timegrid";
import "@fullcalendar/react/skeleton.css";
import "@fullcalendar/react/themes/classic/theme.css";
import "@fullcalendar/react/themes/classic/palette.css";
import { useCallback, useState } from "react";

// Stable identities: FullCalendar refetches its sources whenever these props change, and the loading
// callback re-renders this component, so fresh object literals here would refetch in a loop.
const PLUGINS = [themePlugin, dayGridPlugin, timeGridPlugin, listPlugin];
const TOOLBAR = { start: "prev,next today", center: "title", end: "dayGridMonth,timeGridWeek,timeGridDay,listWeek" };
const FEED = { url: "/api/events", method: "GET" };

export interface EventCalendarProps {
  /** The IANA zone the calendar shows times in (the user's, else the organisation's). */
  timeZone: string;
  initialView: "dayGridMonth" | "timeGridWeek" | "timeGridDay" | "listWeek";
}

export default function EventCalendar({ timeZone, initialView }: EventCalendarProps) {
  const [status, setStatus] = useState<string>("");
  const onLoading = useCallback((isLoading: boolean) => setStatus(isLoading ? "Loading appointments…" : ""), []);
  const onFailure = useCallback(
    () => setStatus("Appointments could not be loaded. Check your connection and reload."),
    [],
  );
  return (
    <section className="calendar-shell" aria-label="Appointments calendar">
      <p className="calendar-status" role="status" aria-live="polite" aria-label="Calendar status">
        {status}
      </p>
      <FullCalendar
        plugins={PLUGINS}
        initialView={initialView}
        timeZone={timeZone}
        headerToolbar={TOOLBAR}
        nowIndicator
        dayMaxEvents
        height="auto"
        events={FEED}
        loading={onLoading}
        eventSourceFailure={onFailure}
      />
    </section>
  );
}
