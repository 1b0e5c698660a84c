"use client";

import { useEffect, useState, type ReactNode } from "react";

export function CalendarLoading() {
  return (
    <p className="calendar-status" role="status">
      <span className="spinner" aria-hidden="true" />
      Loading calendar…
    </p>
  );
}

/**
 * Renders `children` once this component has mounted, CalendarLoading until then. Mounted directly by
 * next/dynamic's lazy component, the calendar rendered in a time-sliced pass that React threw away and
 * redid: FullCalendar was built twice, its first feed requests included. An update from an effect renders
 * in one uninterrupted pass.
 */
export function AfterMount({ children }: { children: ReactNode }) {
  const [mounted, setMounted] = useState(false);
  // The cascading render the rule warns about is the point here (see above).
  // eslint-disable-next-line react-hooks/set-state-in-effect
  useEffect(() => setMounted(true), []);
  return mounted ? children : <CalendarLoading />;
}
