"use client";

import { useState } from "react";
import type { FeedOccurrence } from "@/lib/events/types";
import { apiFetch } from "./api-client";
import { STATUS_LABEL, type ClinicLookup } from "./clinic";
import { addDays } from "./local-dates";
import { describeWhen } from "./OccurrenceDetails";
import { patientLabel } from "./occurrence-events";
import type { PatientDirectory } from "./patient-directory";

interface AppointmentSearchProps {
  directory: PatientDirectory;
  clinic: ClinicLookup;
  timeZone: string;
  /** The calendar's date: the default range runs a month before to three after it. */
  date: string;
  onOpen: (occurrence: FeedOccurrence) => void;
}

/** Search by patient name, title, clinician or room over a date range; a result opens the appointment. */
export function AppointmentSearch({ directory, clinic, timeZone, date, onOpen }: AppointmentSearchProps) {
  const [q, setQ] = useState("");
  const [field, setField] = useState("any");
  const [from, setFrom] = useState(() => addDays(date, -30));
  const [to, setTo] = useState(() => addDays(date, 90));
  const [state, setState] = useState<{ busy: boolean; error: string; results: FeedOccurrence[] | null; truncated: boolean }>({
    busy: false,
    error: "",
    results: null,
    truncated: false,
  });

  const run = async () => {
    setState((s) => ({ ...s, busy: true, error: "" }));
    try {
      const params = new URLSearchParams({ q, field, start: from, end: addDays(to, 1), timeZone });
      const found = await apiFetch<{ results: FeedOccurrence[]; truncated: boolean }>(`/api/appointments/search?${params.toString()}`);
      await directory.ensure(found.results.flatMap((o) => o.patientIds));
      setState({ busy: false, error: "", results: found.results, truncated: found.truncated });
    } catch (e) {
      setState({ busy: false, error: (e as Error).message, results: null, truncated: false });
    }
  };

  return (
    <details className="appointment-search">
      <summary>Find appointments</summary>
      <form
        role="search"
        aria-label="Find appointments"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <label className="field">
          Search appointments
          <input type="search" required minLength={2} maxLength={100} value={q} onChange={(e) => setQ(e.target.value)} />
        </label>
        <label className="field">
          Search in
          <select value={field} onChange={(e) => setField(e.target.value)}>
            <option value="any">Every field</option>
            <option value="patient">Patient name</option>
            <option value="title">Title</option>
            <option value="clinician">Clinician</option>
            <option value="room">Room</option>
          </select>
        </label>
        <div className="row">
          <label className="field">
            From
            <input type="date" required value={from} onChange={(e) => setFrom(e.target.value)} />
          </label>
          <label className="field">
            To
            <input type="date" required value={to} onChange={(e) => setTo(e.target.value)} />
          </label>
        </div>
        <button type="submit" disabled={state.busy}>
          {state.busy ? "Searching…" : "Search"}
        </button>
      </form>
      <p role="status" className="muted">
        {state.results ? `${state.results.length}${state.truncated ? "+" : ""} found` : ""}
      </p>
      {state.error && (
        <p className="error" role="alert">
          {state.error}
        </p>
      )}
      {state.results && state.results.length > 0 && (
        <ul className="search-results" aria-label="Search results">
          {state.results.map((o) => (
            <li key={o.id}>
              <button type="button" className={o.status === "cancelled" ? "status-cancelled" : undefined} onClick={() => onOpen(o)}>
                <strong>{o.title}</strong> {describeWhen(o, timeZone)}
                <br />
                <span className="muted">
                  {[patientLabel(o.patientIds, directory), clinic.resource(o.clinicianId)?.name, clinic.resource(o.roomId)?.name, o.status && o.status !== "booked" ? STATUS_LABEL[o.status] : null]
                    .filter(Boolean)
                    .join(" · ")}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}
