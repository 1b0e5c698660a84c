import type { EventInput } from "@fullcalendar/react";
import type { FeedOccurrence } from "@/lib/events/types";
import { titleWithStatus, type ClinicLookup, type ColorBy } from "./clinic";
import type { PatientDirectory } from "./patient-directory";

/** WCAG relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return 0;
  const [r, g, b] = m.slice(1).map((h) => {
    const c = parseInt(h, 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/**
 * Black or white, whichever contrasts more with `hex`: the better of the two always reaches 4.5:1, so text
 * on any patient colour stays readable (WCAG AA) whatever colour the clinic picked.
 */
export function textColorOn(hex: string): string {
  const l = luminance(hex);
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? "#000000" : "#ffffff";
}

export interface OccurrenceProps {
  occurrence: FeedOccurrence;
  /** The patients of this occurrence that the calendar shows (the hidden ones left out). */
  shownPatientIds: string[];
}

/** Names for a title: "Ada Adams", "Ada Adams, Ben Baker", "Ada Adams +3". */
export function patientLabel(ids: string[], directory: PatientDirectory): string {
  if (ids.length <= 2) return ids.map((id) => directory.name(id)).join(", ");
  return `${directory.name(ids[0]!)} +${ids.length - 1}`;
}

/**
 * FullCalendar events for feed occurrences: coloured by their (first shown) patient (or by type, clinician
 * or room), titled with the patients' names for staff and the status in words, left out when every patient
 * of theirs is toggled off. Cancelled ones are struck through and cannot be dragged.
 */
export function toCalendarEvents(
  occurrences: FeedOccurrence[],
  directory: PatientDirectory,
  options: { hidden: ReadonlySet<string>; showPatients: boolean; editable: boolean; colorBy?: ColorBy; clinic?: ClinicLookup },
): EventInput[] {
  const out: EventInput[] = [];
  for (const occurrence of occurrences) {
    const shown = occurrence.patientIds.filter((id) => !options.hidden.has(id));
    if (shown.length === 0 && occurrence.patientIds.length > 0) continue;
    const by = options.colorBy ?? "patient";
    const color = (by !== "patient" && options.clinic?.colorOf(occurrence, by)) || directory.color(shown[0]);
    const names = options.showPatients && shown.length ? ` · ${patientLabel(shown, directory)}` : "";
    const cancelled = occurrence.status === "cancelled";
    const props: OccurrenceProps = { occurrence, shownPatientIds: shown };
    out.push({
      id: occurrence.id,
      title: titleWithStatus(`${occurrence.title}${names}`, occurrence.status),
      start: occurrence.start,
      end: occurrence.end,
      allDay: occurrence.allDay,
      color,
      contrastColor: textColorOn(color),
      editable: options.editable && !cancelled,
      // FullCalendar 7 takes one class string (`className`), not v6's `classNames` array.
      className: occurrence.status ? `status-${occurrence.status.replace("_", "-")}` : "",
      extendedProps: props,
    });
  }
  return out;
}
