"use client";

import { AfterMount } from "./after-mount";
import PersonalCalendar, { type PersonalCalendarProps } from "./PersonalCalendar";

/** The patient's own calendar: imported with the page's scripts, as the cohort calendar is (PlannerLoader). */
export function PersonalCalendarLoader(props: PersonalCalendarProps) {
  return (
    <AfterMount>
      <PersonalCalendar {...props} />
    </AfterMount>
  );
}
