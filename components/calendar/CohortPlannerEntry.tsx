"use client";

import { AfterMount } from "./after-mount";
import CohortPlanner, { type CohortPlannerProps } from "./CohortPlanner";

/** The planner's chunk (PlannerLoader), mounted after its lazy loading is over (AfterMount). */
export default function CohortPlannerEntry(props: CohortPlannerProps) {
  return (
    <AfterMount>
      <CohortPlanner {...props} />
    </AfterMount>
  );
}
