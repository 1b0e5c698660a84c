"use client";

import type { EventInput, EventSourceFuncInfo } from "@fullcalendar/react";
import { useCallback, useState } from "react";
import type { ClosureSummary, WorkingHoursEntry } from "@/lib/closures/closures";
import { apiFetch } from "./api-client";
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
    async (info: EventSourceFuncInfo): Promise<EventInput[]> => {
      const resources = [filter.clinicianId, filter.roomId].filter(Boolean);
      const params = new URLSearchParams({ start: info.startStr, end: info.endStr, timeZone: info.timeZone, resources: resources.join(",") });
      const schedule = await apiFetch<{ closures: ClosureSummary[]; workingHours: Record<string, WorkingHoursEntry[]> }>(`/api/schedule?${params.toString()}`);
      setClosures(schedule.closures);
      // With two resources chosen, the hours both keep are what is bookable; one is enough to shade by.
      const hours = resources.map((id) => schedule.workingHours[id]).find((h) => h && h.length > 0);
      setBusinessHours(hours ? hours.map((h) => ({ daysOfWeek: [h.weekday], startTime: h.start, endTime: h.end })) : false);
      return schedule.closures.map((c) => ({
        id: `closure-${c.id}`,
        title: c.title,
        start: c.start,
        end: c.end,
        allDay: c.allDay,
        display: "background",
        className: c.resourceId ? "absence" : "closure",
      }));
    },
    [filter.clinicianId, filter.roomId],
  );

  return { loadBackground, businessHours, closures };
}
