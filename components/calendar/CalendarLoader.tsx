"use client";

import dynamic from "next/dynamic";
import { useEffect } from "react";
import { prefetchFirstWindow } from "./first-window";
import type { CohortPlannerProps } from "./CohortPlanner";
import type { PersonalCalendarProps } from "./PersonalCalendar";

// FullCalendar fetches its feed as soon as it renders: it must not render during prerendering.
const loading = () => (
  <p className="calendar-status" role="status">
    <span className="spinner" aria-hidden="true" />
    Loading calendar…
  </p>
);
const CohortPlanner = dynamic(() => import("./CohortPlanner"), { ssr: false, loading });
const PersonalCalendar = dynamic(() => import("./PersonalCalendar"), { ssr: false, loading });

export function PlannerLoader(props: CohortPlannerProps) {
  const { initial, timeZone, settings } = props;
  // Once, as the page starts: the first window's feed loads while the calendar's code does.
  useEffect(() => prefetchFirstWindow(initial, timeZone, settings?.weekStart ?? 0), [initial, timeZone, settings]);
  return <CohortPlanner {...props} />;
}

export function PersonalCalendarLoader(props: PersonalCalendarProps) {
  return <PersonalCalendar {...props} />;
}
