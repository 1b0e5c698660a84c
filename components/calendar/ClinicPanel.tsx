"use client";

import type { FeedOccurrence } from "@/lib/events/types";
import { AppointmentSearch } from "./AppointmentSearch";
import type { ClinicFilter, ClinicLookup, ColorBy, LaneRows } from "./clinic";
import { formatDay, addDays } from "./local-dates";
import type { PatientDirectory } from "./patient-directory";
import type { ClosureSummary } from "./use-clinic-background";

interface ClinicPanelProps {
  clinic: ClinicLookup;
  filter: ClinicFilter;
  onFilter: (filter: ClinicFilter) => void;
  colorBy: ColorBy;
  onColorBy: (by: ColorBy) => void;
  laneRows: LaneRows;
  onLaneRows: (rows: LaneRows) => void;
  showLaneRows: boolean;
  date: string;
  closures: ClosureSummary[];
  directory: PatientDirectory;
  timeZone: string;
  onOpen: (occurrence: FeedOccurrence) => void;
}

function closureDates(c: ClosureSummary): string {
  if (!c.allDay) return `${formatDay(c.start.slice(0, 10), { month: "short", day: "numeric" })} ${c.start.slice(11, 16)}–${c.end.slice(11, 16)}`;
  const last = addDays(c.end, -1);
  const first = formatDay(c.start, { month: "short", day: "numeric" });
  return last === c.start ? first : `${first} – ${formatDay(last, { month: "short", day: "numeric" })}`;
}

/** Filters and colours by clinician or room, lane rows, the day sheet, closures in view, and search. */
export function ClinicPanel(props: ClinicPanelProps) {
  const { clinic, filter, onFilter, colorBy, onColorBy, laneRows, onLaneRows, showLaneRows, date, closures } = props;
  const sheet = new URLSearchParams({ date, kind: filter.roomId && !filter.clinicianId ? "room" : "clinician" });
  const chosen = filter.clinicianId || filter.roomId;
  if (chosen) sheet.set("resource", chosen);
  return (
    <section className="clinic-panel" aria-label="Clinicians and rooms">
      <div className="field">
        <label htmlFor="filter-clinician">Clinician</label>
        <select id="filter-clinician" value={filter.clinicianId} onChange={(e) => onFilter({ ...filter, clinicianId: e.target.value })}>
          <option value="">All clinicians</option>
          {clinic.directory.clinicians.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-room">Room</label>
        <select id="filter-room" value={filter.roomId} onChange={(e) => onFilter({ ...filter, roomId: e.target.value })}>
          <option value="">All rooms</option>
          {clinic.directory.rooms.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="color-by">Colour by</label>
        <select id="color-by" value={colorBy} onChange={(e) => onColorBy(e.target.value as ColorBy)}>
          <option value="patient">Patient</option>
          <option value="type">Appointment type</option>
          <option value="clinician">Clinician</option>
          <option value="room">Room</option>
        </select>
      </div>
      {showLaneRows && (
        <div className="field">
          <label htmlFor="lane-rows">Lanes show</label>
          <select id="lane-rows" value={laneRows} onChange={(e) => onLaneRows(e.target.value as LaneRows)}>
            <option value="patients">Patients</option>
            <option value="clinicians">Clinicians</option>
            <option value="rooms">Rooms</option>
          </select>
        </div>
      )}
      <a className="button" href={`/day-sheet?${sheet.toString()}`}>
        Print day sheet
      </a>
      {closures.length > 0 && (
        <div className="closures-in-view">
          <h2>Closed in this period</h2>
          <ul>
            {closures.map((c) => (
              <li key={c.id}>
                {c.title} ({closureDates(c)}){c.resourceId ? ` — ${clinic.resource(c.resourceId)?.name ?? "away"}` : ""}
              </li>
            ))}
          </ul>
        </div>
      )}
      <AppointmentSearch directory={props.directory} clinic={clinic} timeZone={props.timeZone} date={date} onOpen={props.onOpen} />
    </section>
  );
}
