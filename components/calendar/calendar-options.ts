import type { DatesSetInfo } from "@fullcalendar/react";
import dayGridPlugin from "@fullcalendar/react/daygrid";
import interactionPlugin from "@fullcalendar/react/interaction";
import listPlugin from "@fullcalendar/react/list";
import multiMonthPlugin from "@fullcalendar/react/multimonth";
import themePlugin from "@fullcalendar/react/themes/classic";
import timeGridPlugin from "@fullcalendar/react/timegrid";
import "@fullcalendar/react/skeleton.css";
import "@fullcalendar/react/themes/classic/theme.css";
import "@fullcalendar/react/themes/classic/palette.css";
import { addDays } from "./local-dates";

// Module constants: FullCalendar compares option identities and refetches when they change.
export const CALENDAR_PLUGINS = [themePlugin, dayGridPlugin, timeGridPlugin, listPlugin, multiMonthPlugin, interactionPlugin];

/**
 * The local date (in the calendar's zone) of the period's current start, e.g. the 1st of the month in
 * month view (activeStart may be in the month before). `startStr` is the active start's local ISO text;
 * the whole-day difference to currentStart holds whatever the Date objects' convention.
 */
export function datesSetToLocal(info: DatesSetInfo): string {
  const offsetDays = Math.round((info.view.currentStart.getTime() - info.view.activeStart.getTime()) / 86_400_000);
  return addDays(info.startStr.slice(0, 10), offsetDays);
}

/** The organisation's week start and working hours (lib/org/settings), as every calendar follows them. */
export interface CalendarSettings {
  weekStart: number;
  workdayStart: string;
  workdayEnd: string;
  workDays: number[];
}

export const DEFAULT_CALENDAR_SETTINGS: CalendarSettings = { weekStart: 0, workdayStart: "08:00", workdayEnd: "18:00", workDays: [1, 2, 3, 4, 5] };

/** FullCalendar's options for them: the first day of the week, shaded non-working hours, scrolled to the working day. */
export function calendarSettingsOptions(settings: CalendarSettings) {
  return {
    firstDay: settings.weekStart,
    businessHours: { daysOfWeek: settings.workDays, startTime: settings.workdayStart, endTime: settings.workdayEnd },
    scrollTime: `${settings.workdayStart}:00`,
  };
}
