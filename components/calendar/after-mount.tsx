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
 * Renders `children` once this component has mounted, CalendarLoading until then (and on the server).
 * FullCalendar fetches its feed as soon as it renders, so it must render only in the browser. An update
 * from an effect renders in one uninterrupted pass: rendered within a lazy component's time-sliced pass
 * instead, the calendar was built twice, its first feed requests included.
 */
export function AfterMount({ children }: { children: ReactNode }) {
  const [mounted, setMounted] = useState(false);
  // The cascading render the rule warns about is the point here (see above).
  // eslint-disable-next-line react-hooks/set-state-in-effect
  useEffect(() => setMounted(true), []);
  return mounted ? children : <CalendarLoading />;
}
