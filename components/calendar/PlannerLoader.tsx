"use client";

import { useEffect } from "react";
import { AfterMount } from "./after-mount";
import CohortPlanner, { type CohortPlannerProps } from "./CohortPlanner";
import { prefetchFirstWindow } from "./first-window";

/**
 * The cohort calendar, imported rather than loaded with next/dynamic: its code is then among the page's
 * own scripts, which the HTML's head asks for at once; a dynamic import's chunks were asked for only once
 * those scripts had run (about 200 ms later here, and 10% of the time to a rendered week).
 */
export function PlannerLoader(props: CohortPlannerProps) {
  const { initial, timeZone, settings } = props;
  // Once, as the page starts: the first window's feed loads while the calendar's code does.
  useEffect(() => prefetchFirstWindow(initial, timeZone, settings?.weekStart ?? 0), [initial, timeZone, settings]);
  return (
    <AfterMount>
      <CohortPlanner {...props} />
    </AfterMount>
  );
}
