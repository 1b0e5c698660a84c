"use client";

import { useEffect, useMemo, useState } from "react";
import type { FeedOccurrence } from "@/lib/events/types";
import { fetchOccurrences, type PatientSummary } from "./api-client";
import { matchesFilter, titleWithStatus, type ClinicFilter, type ClinicLookup, type LaneRows } from "./clinic";
import { addDays, formatDay } from "./local-dates";
import { textColorOn } from "./occurrence-events";
import type { Selection } from "./planner-state";

interface LanesViewProps {
  selection: Selection;
  /** One row per patient, in this order (when the rows are patients). */
  patients: PatientSummary[];
  /** Rows per patient, or per clinician or room (issue 11). */
  rowsBy: LaneRows;
  clinic: ClinicLookup;
  filter: ClinicFilter;
  hidden: ReadonlySet<string>;
  /** First day shown (YYYY-MM-DD); seven days from there. */
  weekStart: string;
  timeZone: string;
  /** Bumped by the planner to refetch (a live update, a saved change). */
  revision: number;
  onOpen: (occurrence: FeedOccurrence) => void;
  onStatus: (status: { loading: boolean; error: string }) => void;
}

const DAYS = 7;

/** The local days an occurrence covers, from its ISO start/end (already in the view's zone). */
function daysOf(o: FeedOccurrence): string[] {
  const first = o.start.slice(0, 10);
  let last = o.end.slice(0, 10);
  // An end at local midnight (or an all-day end, exclusive) belongs to the day before.
  if (o.allDay || o.end.slice(11, 16) === "00:00") last = addDays(last, -1);
  const days = [first];
  for (let d = addDays(first, 1); d <= last && days.length < 32; d = addDays(d, 1)) days.push(d);
  return days;
}

/**
 * Per-patient lanes: one row per patient, one column per day (FullCalendar's resource timeline is premium,
 * so this is ours). A plain table: sticky headers, rows skipped by the browser while off screen
 * (content-visibility), fine with 200 patients.
 */
export function LanesView({ selection, patients, rowsBy, clinic, filter, hidden, weekStart, timeZone, revision, onOpen, onStatus }: LanesViewProps) {
  const [occurrences, setOccurrences] = useState<FeedOccurrence[]>([]);
  const days = useMemo(() => Array.from({ length: DAYS }, (_, i) => addDays(weekStart, i)), [weekStart]);

  useEffect(() => {
    let current = true;
    onStatus({ loading: true, error: "" });
    fetchOccurrences(selection, weekStart, addDays(weekStart, DAYS), timeZone)
      .then((list) => {
        if (!current) return;
        setOccurrences(list);
        onStatus({ loading: false, error: "" });
      })
      .catch((e: Error) => current && onStatus({ loading: false, error: `Appointments could not be loaded: ${e.message}` }));
    return () => {
      current = false;
    };
  }, [selection, weekStart, timeZone, revision, onStatus]);

  // row (patient, clinician or room) -> day -> occurrences, built once per fetch.
  const cells = useMemo(() => {
    const map = new Map<string, Map<string, FeedOccurrence[]>>();
    const rowIds = (o: FeedOccurrence) => (rowsBy === "patients" ? o.patientIds : rowsBy === "clinicians" ? [o.clinicianId ?? ""] : [o.roomId ?? ""]);
    for (const o of occurrences) {
      if (!matchesFilter(o, filter)) continue;
      for (const rowId of rowIds(o)) {
        let row = map.get(rowId);
        if (!row) map.set(rowId, (row = new Map()));
        for (const day of daysOf(o)) {
          const list = row.get(day);
          if (list) list.push(o);
          else row.set(day, [o]);
        }
      }
    }
    return map;
  }, [occurrences, rowsBy, filter]);

  const byPatient = rowsBy === "patients";
  const rows = byPatient ? patients.filter((p) => !hidden.has(p.id)) : rowsBy === "clinicians" ? clinic.directory.clinicians : clinic.directory.rooms;
  if (rows.length === 0 && byPatient) {
    return <p className="lanes-empty">Choose a cohort or some patients to see one lane per patient.</p>;
  }
  const noun = byPatient ? "Patient" : rowsBy === "clinicians" ? "Clinician" : "Room";
  return (
    <div className="lanes" role="region" aria-label={`${noun} lanes`} tabIndex={0}>
      <table>
        <caption className="visually-hidden">
          Appointments per {noun.toLowerCase()}, {formatDay(days[0]!, { month: "long", day: "numeric" })} to{" "}
          {formatDay(days[DAYS - 1]!, { month: "long", day: "numeric", year: "numeric" })}
        </caption>
        <thead>
          <tr>
            <th scope="col">{noun}</th>
            {days.map((day) => (
              <th scope="col" key={day}>
                {formatDay(day, { weekday: "short", month: "numeric", day: "numeric" })}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              <th scope="row">
                <span className="swatch" style={{ background: row.color }} aria-hidden="true" />
                {row.name}
              </th>
              {days.map((day) => (
                <td key={day}>
                  {(cells.get(row.id)?.get(day) ?? []).map((o) => (
                    <button
                      type="button"
                      key={o.id}
                      className={`lane-chip${o.status === "cancelled" ? " status-cancelled" : ""}`}
                      style={{ background: row.color, color: textColorOn(row.color) }}
                      onClick={() => onOpen(o)}
                    >
                      {o.allDay ? "All day" : o.start.slice(11, 16)} {titleWithStatus(o.title, o.status)}
                    </button>
                  ))}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
