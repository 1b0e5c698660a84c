"use client";

import type { EventInput, EventSourceFuncInfo } from "@fullcalendar/react";
import { useCallback, useState } from "react";
import type { ClosureSummary } from "@/lib/closures/closures";
import { fetchSchedule, prefetchedSchedule, scheduleUrl, type Schedule } from "./api-client";
import type { ClinicFilter } from "./clinic";

export type { ClosureSummary };

interface BusinessHours {
  daysOfWeek: number[];
  startTime: string;
  endTime: string;
}

/**
 * The calendar's background (issue 11): the organisation's closures always, and when the calendar is
 * filtered to a clinician or room, their absences and working hours (FullCalendar shades the rest).
 * Returns an event source for FullCalendar, the business hours, and the closures in view (listed in words
 * beside the calendar: shading alone says nothing to a screen reader).
 */
export function useClinicBackground(filter: ClinicFilter) {
  const [businessHours, setBusinessHours] = useState<BusinessHours[] | false>(false);
  const [closures, setClosures] = useState<ClosureSummary[]>([]);

  const loadBackground = useCallback(
    (info: EventSourceFuncInfo, success: (events: EventInput[]) => void, failure: (error: Error) => void) => {
      const resources = [filter.clinicianId, filter.roomId].filter(Boolean);
      const url = scheduleUrl(info.startStr, info.endStr, info.timeZone, resources);
      const show = (schedule: Schedule) => {
        setClosures(schedule.closures);
        // With two resources chosen, the hours both keep are what is bookable; one is enough to shade by.
        const hours = resources.map((id) => schedule.workingHours[id]).find((h) => h && h.length > 0);
        setBusinessHours(hours ? hours.map((h) => ({ daysOfWeek: [h.weekday], startTime: h.start, endTime: h.end })) : false);
      };
      // Already here (first-window.ts): part of the calendar's first render, as the appointments are. That
      // render is FullCalendar's, so the planner's own state follows just after it.
      const ready = prefetchedSchedule(url);
      if (ready) {
        success(backgroundEvents(ready));
        queueMicrotask(() => show(ready));
        return;
      }
      fetchSchedule(url).then((schedule) => {
        show(schedule);
        success(backgroundEvents(schedule));
      }, failure);
    },
    [filter.clinicianId, filter.roomId],
  );

  return { loadBackground, businessHours, closures };
}

function backgroundEvents(schedule: Schedule): EventInput[] {
  return schedule.closures.map((c) => ({
    id: `closure-${c.id}`,
    title: c.title,
    start: c.start,
    end: c.end,
    allDay: c.allDay,
    display: "background",
    className: c.resourceId ? "absence" : "closure",
  }));
}
