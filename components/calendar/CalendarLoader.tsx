"use client";

import dynamic from "next/dynamic";
import type { EventCalendarProps } from "./EventCalendar";

// FullCalendar fetches its feed as soon as it renders: it must not render during prerendering.
const EventCalendar = dynamic(() => import("./EventCalendar"), {
  ssr: false,
  loading: () => <p className="calendar-status">Loading calendar…</p>,
});

export function CalendarLoader(props: EventCalendarProps) {
  return <EventCalendar {...props} />;
}
