"use client";

import { useState } from "react";
import type { EventInput } from "@/lib/events/types";
import type { PatientSummary } from "./api-client";
import type { ClinicLookup } from "./clinic";
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
  /** "" for none. */
  clinicianId: string;
  roomId: string;
  typeId: string;
}

/** Adds minutes to a local "YYYY-MM-DDTHH:MM" (wall-clock arithmetic, as the form shows it). */
export function addMinutesLocal(local: string, minutes: number): string {
  const [date, time] = local.split("T") as [string, string];
  const [h, m] = time.split(":").map(Number) as [number, number];
  const total = h * 60 + m + minutes;
  const days = Math.floor(total / 1440);
  const rest = total - days * 1440;
  const day = days ? addDays(date, days) : date;
  return `${day}T${String(Math.floor(rest / 60)).padStart(2, "0")}:${String(rest % 60).padStart(2, "0")}`;
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
  /** Clinicians, rooms and types to choose from (staff). */
  clinic?: ClinicLookup;
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
    clinicianId: v.clinicianId || null,
    roomId: v.roomId || null,
    typeId: v.typeId || null,
  };
}

export function EventEditor({ heading, initial, directory, recurrence, error, busy, onSave, onClose, clinic }: EventEditorProps) {
  const [v, setV] = useState(initial);
  const set = (patch: Partial<EditorValues>) => setV((prev) => ({ ...prev, ...patch }));
  const chosen = new Set(v.patientIds);
  const toggle = (p: PatientSummary) => {
    directory.add([p]);
    set({ patientIds: chosen.has(p.id) ? v.patientIds.filter((id) => id !== p.id) : [...v.patientIds, p.id] });
  };
  // Choosing a type fills the length (and gives the appointment the type's colour on the calendar).
  const chooseType = (typeId: string) => {
    const type = clinic?.type(typeId);
    set(type && !v.allDay ? { typeId, end: addMinutesLocal(v.start, type.durationMinutes) } : { typeId });
  };
  const chosenType = clinic?.type(v.typeId);
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
        {clinic && (
          <div className="row">
            <label className="field">
              Type
              <span className="with-swatch">
                <select value={v.typeId} onChange={(e) => chooseType(e.target.value)}>
                  <option value="">No type</option>
                  {clinic.directory.types.map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.name} ({t.durationMinutes} min)
                    </option>
                  ))}
                </select>
                {chosenType && <span className="swatch" style={{ background: chosenType.color }} aria-hidden="true" />}
              </span>
            </label>
            <label className="field">
              Clinician
              <select value={v.clinicianId} onChange={(e) => set({ clinicianId: e.target.value })}>
                <option value="">No clinician</option>
                {clinic.directory.clinicians.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              Room
              <select value={v.roomId} onChange={(e) => set({ roomId: e.target.value })}>
                <option value="">No room</option>
                {clinic.directory.rooms.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.name}
                  </option>
                ))}
              </select>
            </label>
          </div>
        )}
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
