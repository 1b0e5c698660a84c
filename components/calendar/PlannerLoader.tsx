"use client";

import dynamic from "next/dynamic";
import { useEffect } from "react";
import { CalendarLoading } from "./after-mount";
import { prefetchFirstWindow } from "./first-window";
import type { CohortPlannerProps } from "./CohortPlanner";

// FullCalendar fetches its feed as soon as it renders: it must not render during prerendering.
const loadPlanner = () => import("./CohortPlannerEntry");
const CohortPlanner = dynamic(loadPlanner, { ssr: false, loading: CalendarLoading });
// Asked for as this module loads, before hydration: the calendar's chunk would otherwise be requested
// only once hydration had finished and reached it (React.lazy in next/dynamic), a few hundred
// milliseconds later on a busy machine. The bundler loads a chunk once; dynamic() then finds it loaded,
// and reports a failure itself.
if (typeof window !== "undefined") loadPlanner().catch(() => {});

export function PlannerLoader(props: CohortPlannerProps) {
  const { initial, timeZone, settings } = props;
  // Once, as the page starts: the first window's feed loads while the calendar's code does.
  useEffect(() => prefetchFirstWindow(initial, timeZone, settings?.weekStart ?? 0), [initial, timeZone, settings]);
  return <CohortPlanner {...props} />;
}
