"use client";

import { useState } from "react";
import type { EventInput } from "@/lib/events/types";
import type { PatientSummary } from "./api-client";
import { addDays } from "./local-dates";
import { Modal } from "./Modal";
import type { PatientDirectory } from "./patient-directory";
import { PatientPicker } from "./PatientPicker";
import { RecurrenceEditor } from "./RecurrenceEditor";
import { localToIso } from "./zoned-input";

/** The form's values: local wall-clock times in `timeZone` ("2026-07-14T10:00"; dates when all-day, end inclusive). */
export interface EditorValues {
  title: string;
  patientIds: string[];
  start: string;
  end: string;
  allDay: boolean;
  timeZone: string;
  location: string;
  description: string;
  rrule: string | null;
}

interface EventEditorProps {
  heading: string;
  initial: EditorValues;
  directory: PatientDirectory;
  /** Whether the recurrence can be edited here (not for a single occurrence of a series). */
  recurrence: boolean;
  error: string;
  busy: boolean;
  onSave: (input: EventInput) => void;
  onClose: () => void;
}

/** The values as the API takes them: instants with offsets, or dates with an exclusive end. */
export function toEventInput(v: EditorValues): EventInput {
  const start = v.allDay ? v.start.slice(0, 10) : localToIso(v.start, v.timeZone);
  const end = v.allDay ? addDays(v.end.slice(0, 10), 1) : localToIso(v.end, v.timeZone);
  return {
    title: v.title.trim(),
    start,
    end,
    allDay: v.allDay,
    timeZone: v.timeZone,
    rrule: v.rrule,
    patientIds: v.patientIds,
    location: v.location.trim() || null,
    description: v.description.trim() || null,
  };
}

export function EventEditor({ heading, initial, directory, recurrence, error, busy, onSave, onClose }: EventEditorProps) {
  const [v, setV] = useState(initial);
  const set = (patch: Partial<EditorValues>) => setV((prev) => ({ ...prev, ...patch }));
  const chosen = new Set(v.patientIds);
  const toggle = (p: PatientSummary) => {
    directory.add([p]);
    set({ patientIds: chosen.has(p.id) ? v.patientIds.filter((id) => id !== p.id) : [...v.patientIds, p.id] });
  };
  const toAllDay = (allDay: boolean) =>
    set(allDay ? { allDay, start: v.start.slice(0, 10), end: v.end.slice(0, 10) } : { allDay, start: `${v.start.slice(0, 10)}T09:00`, end: `${v.end.slice(0, 10)}T09:30` });

  return (
    <Modal title={heading} onClose={onClose} className="editor">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onSave(toEventInput(v));
        }}
      >
        <label className="field">
          Title
          <input required maxLength={200} value={v.title} onChange={(e) => set({ title: e.target.value })} autoFocus />
        </label>
        <div className="field">
          <PatientPicker label="Patients" selectedIds={chosen} onToggle={toggle} onSeen={(p) => directory.add(p)} />
          <ul className="chips" aria-label="Chosen patients">
            {v.patientIds.map((id) => (
              <li key={id}>
                {directory.name(id)}
                <button type="button" className="icon" aria-label={`Remove ${directory.name(id)}`} onClick={() => set({ patientIds: v.patientIds.filter((p) => p !== id) })}>
                  ×
                </button>
              </li>
            ))}
          </ul>
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={v.allDay} onChange={(e) => toAllDay(e.target.checked)} /> All day
        </label>
        <div className="row">
          <label className="field">
            Starts
            <input type={v.allDay ? "date" : "datetime-local"} required value={v.start} onChange={(e) => set({ start: e.target.value })} />
          </label>
          <label className="field">
            Ends
            <input type={v.allDay ? "date" : "datetime-local"} required value={v.end} onChange={(e) => set({ end: e.target.value })} />
          </label>
        </div>
        <label className="field">
          Time zone
          <input required value={v.timeZone} onChange={(e) => set({ timeZone: e.target.value })} list="time-zones" />
          <datalist id="time-zones">
            {Intl.supportedValuesOf("timeZone").map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
        </label>
        {recurrence && <RecurrenceEditor value={v.rrule} startDate={v.start.slice(0, 10)} onChange={(rrule) => set({ rrule })} />}
        <label className="field">
          Location
          <input maxLength={200} value={v.location} onChange={(e) => set({ location: e.target.value })} />
        </label>
        <label className="field">
          Description
          <textarea rows={3} maxLength={4000} value={v.description} onChange={(e) => set({ description: e.target.value })} />
        </label>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="modal-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || v.patientIds.length === 0}>
            {busy ? "Saving…" : "Save"}
          </button>
        </div>
      </form>
    </Modal>
  );
}
