"use client";

import { AfterMount } from "./after-mount";
import PersonalCalendar, { type PersonalCalendarProps } from "./PersonalCalendar";

/** The personal calendar's chunk (CalendarLoader), mounted after its lazy loading is over (AfterMount). */
export default function PersonalCalendarEntry(props: PersonalCalendarProps) {
  return (
    <AfterMount>
      <PersonalCalendar {...props} />
    </AfterMount>
  );
}
