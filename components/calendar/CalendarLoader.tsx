"use client";

import dynamic from "next/dynamic";
import { CalendarLoading } from "./after-mount";
import type { PersonalCalendarProps } from "./PersonalCalendar";

// FullCalendar fetches its feed as soon as it renders: it must not render during prerendering.
const PersonalCalendar = dynamic(() => import("./PersonalCalendarEntry"), { ssr: false, loading: CalendarLoading });

export function PersonalCalendarLoader(props: PersonalCalendarProps) {
  return <PersonalCalendar {...props} />;
}
