"use client";

import type { DateSelectInfo, EventChangeInfo } from "@fullcalendar/react";
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import type { MutationResult } from "@/app/calendar/actions";
import type { DeleteRequest } from "@/lib/events/delete-event";
import type { AppointmentStatus, ClosureWarning, EditScope, EventInput, EventPatch, FeedOccurrence, SchedulingConflict } from "@/lib/events/types";
import type { ClinicLookup } from "./clinic";
import { ClosureWarningDialog, ConflictWarning, ScopePrompt } from "./EditDialogs";
import { EventEditor, type EditorValues } from "./EventEditor";
import { addDays } from "./local-dates";
import type { OccurrenceProps } from "./occurrence-events";
import type { PatientDirectory } from "./patient-directory";
import { isoToLocal } from "./zoned-input";

export interface EditingActions {
  createEvent: (input: EventInput) => Promise<MutationResult>;
  updateEvent: (eventId: string, patch: EventPatch) => Promise<MutationResult>;
  deleteEvent: (eventId: string, request: DeleteRequest) => Promise<MutationResult>;
  setStatus: (eventId: string, input: { occurrenceStart?: string; status: AppointmentStatus; reason?: string }) => Promise<MutationResult>;
}

/** What a retry may override: patients' overlaps (staff) and closures (administrators). */
interface Overrides {
  allowConflicts: boolean;
  allowClosures: boolean;
}

interface Options {
  actions: EditingActions;
  directory: PatientDirectory;
  timeZone: string;
  /** Patients a new appointment starts with (the chosen ones, when there are few). */
  defaultPatients: () => string[];
  /** Reload what the calendar shows (after a save, or to undo a drag that was not saved). */
  refresh: () => void;
  onMessage: (text: string) => void;
  clinic?: ClinicLookup;
  /** The clinician and room a new appointment starts with (the calendar's filter). */
  defaultResources?: () => { clinicianId: string; roomId: string };
}

type Editing = { kind: "create" | "edit"; values: EditorValues; occurrence?: FeedOccurrence };

/**
 * Creating (select a range), editing (dialog), moving and resizing (drag), deleting; for a recurring
 * occurrence the this/following/all question first; a scheduling conflict is shown before anything is
 * booked, with "Save anyway".
 */
export function useEventEditing({ actions, directory, timeZone, defaultPatients, refresh, onMessage, clinic, defaultResources }: Options) {
  const [editing, setEditing] = useState<Editing | null>(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const [scopeAsk, setScopeAsk] = useState<{ action: "Edit" | "Delete"; resolve: (s: EditScope | null) => void } | null>(null);
  const [conflictAsk, setConflictAsk] = useState<{ conflicts: SchedulingConflict[]; resolve: (b: boolean) => void } | null>(null);
  const [closureAsk, setClosureAsk] = useState<{ closures: ClosureWarning[]; overridable: boolean; resolve: (b: boolean) => void } | null>(null);
  const latest = useRef({ actions, defaultPatients, refresh, onMessage, timeZone, defaultResources });
  useEffect(() => {
    latest.current = { actions, defaultPatients, refresh, onMessage, timeZone, defaultResources };
  });
  const blank = () => ({ typeId: "", clinicianId: "", roomId: "", ...latest.current.defaultResources?.() });

  const askScope = (action: "Edit" | "Delete") => new Promise<EditScope | null>((resolve) => setScopeAsk({ action, resolve }));
  const askConflict = (conflicts: SchedulingConflict[]) => new Promise<boolean>((resolve) => setConflictAsk({ conflicts, resolve }));
  const askClosures = (closures: ClosureWarning[], overridable: boolean) => new Promise<boolean>((resolve) => setClosureAsk({ closures, overridable, resolve }));

  /**
   * Runs a mutation. A patients' overlap asks "save anyway?"; a closure asks an administrator the same (and
   * tells staff why not); a clinician or room that is taken is final. Returns whether it was saved.
   */
  const save = async (attempt: (overrides: Overrides) => Promise<MutationResult>): Promise<boolean> => {
    setBusy(true);
    try {
      const overrides: Overrides = { allowConflicts: false, allowClosures: false };
      let result = await attempt(overrides);
      for (let round = 0; round < 2 && !result.ok && result.code === "scheduling_conflict" && !result.resource; round += 1) {
        if (result.closures && !overrides.allowClosures) {
          if (!(await askClosures(result.closures, result.overridable === true)) || !result.overridable) return false;
          overrides.allowClosures = true;
        } else if (result.conflicts && !overrides.allowConflicts) {
          if (!(await askConflict(result.conflicts))) return false;
          overrides.allowConflicts = true;
        } else break;
        result = await attempt(overrides);
      }
      if (!result.ok) {
        setError(result.message);
        latest.current.onMessage(result.message);
        if (result.code === "version_conflict") latest.current.refresh();
        return false;
      }
      setError("");
      latest.current.refresh();
      return true;
    } catch {
      const message = "The change could not be saved. Check your connection and try again.";
      setError(message);
      latest.current.onMessage(message);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const onSelect = useCallback((info: DateSelectInfo) => {
    info.view.calendar.unselect();
    const { timeZone: tz } = latest.current;
    const values: EditorValues = info.allDay
      ? { title: "", patientIds: latest.current.defaultPatients(), start: info.startStr, end: addDays(info.endStr, -1), allDay: true, timeZone: tz, location: "", description: "", rrule: null, ...blank() }
      : { title: "", patientIds: latest.current.defaultPatients(), start: isoToLocal(info.startStr, tz), end: isoToLocal(info.endStr, tz), allDay: false, timeZone: tz, location: "", description: "", rrule: null, ...blank() };
    setError("");
    setEditing({ kind: "create", values });
  }, []);

  /** The keyboard's way to create (selecting a range needs a pointer): the next full hour today. */
  const openNew = (date: string) => {
    const hour = Math.min(22, new Date().getHours() + 1);
    const at = (h: number) => `${date}T${String(h).padStart(2, "0")}:00`;
    const values: EditorValues = { title: "", patientIds: latest.current.defaultPatients(), start: at(hour), end: at(hour + 1), allDay: false, timeZone, location: "", description: "", rrule: null, ...blank() };
    setError("");
    setEditing({ kind: "create", values });
  };

  const onDrag = useCallback(async (info: EventChangeInfo) => {
    const { occurrence } = info.event.extendedProps as OccurrenceProps;
    const scope = occurrence.recurring ? await askScope("Edit") : undefined;
    if (occurrence.recurring && !scope) return info.revert();
    const allDay = info.event.allDay;
    const patch: EventPatch = {
      start: allDay ? info.event.startStr.slice(0, 10) : info.event.startStr,
      end: allDay ? (info.event.endStr || addDays(info.event.startStr, 1)).slice(0, 10) : info.event.endStr,
      ...(allDay !== occurrence.allDay ? { allDay, timeZone: occurrence.timeZone } : {}),
      ...(scope ? { scope, occurrenceStart: occurrence.originalStart } : {}),
      version: occurrence.version,
    };
    const saved = await save((overrides) => latest.current.actions.updateEvent(occurrence.eventId, { ...patch, ...overrides }));
    if (!saved) info.revert();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const editOccurrence = (occurrence: FeedOccurrence) => {
    const tz = occurrence.timeZone;
    setError("");
    setEditing({
      kind: "edit",
      occurrence,
      values: {
        title: occurrence.title,
        patientIds: occurrence.patientIds,
        start: occurrence.allDay ? occurrence.start : isoToLocal(occurrence.start, tz),
        end: occurrence.allDay ? addDays(occurrence.end, -1) : isoToLocal(occurrence.end, tz),
        allDay: occurrence.allDay,
        timeZone: tz,
        location: occurrence.location ?? "",
        description: occurrence.description ?? "",
        rrule: occurrence.rrule ?? null,
        clinicianId: occurrence.clinicianId ?? "",
        roomId: occurrence.roomId ?? "",
        typeId: occurrence.typeId ?? "",
      },
    });
  };

  /** One click from the event: the occurrence's new status (cancelling carries a reason). */
  const changeStatus = (occurrence: FeedOccurrence, status: AppointmentStatus, reason?: string): Promise<boolean> =>
    save(() => latest.current.actions.setStatus(occurrence.eventId, { occurrenceStart: occurrence.originalStart, status, ...(reason ? { reason } : {}) }));

  const deleteOccurrence = async (occurrence: FeedOccurrence): Promise<boolean> => {
    const scope = occurrence.recurring ? await askScope("Delete") : undefined;
    if (occurrence.recurring && !scope) return false;
    const request: DeleteRequest = { version: occurrence.version, ...(scope ? { scope, occurrenceStart: occurrence.originalStart } : {}) };
    return save(() => latest.current.actions.deleteEvent(occurrence.eventId, request));
  };

  const submit = async (input: EventInput) => {
    if (!editing) return;
    const { occurrence } = editing;
    if (!occurrence) {
      if (await save((overrides) => latest.current.actions.createEvent({ ...input, ...overrides }))) setEditing(null);
      return;
    }
    const scope = occurrence.recurring ? await askScope("Edit") : undefined;
    if (occurrence.recurring && !scope) return;
    // A single occurrence keeps the series' rule; the others may change it.
    const { rrule, ...rest } = input;
    const patch: EventPatch = { ...rest, ...(scope !== "this" ? { rrule } : {}), version: occurrence.version, ...(scope ? { scope, occurrenceStart: occurrence.originalStart } : {}) };
    if (await save((overrides) => latest.current.actions.updateEvent(occurrence.eventId, { ...patch, ...overrides }))) setEditing(null);
  };

  const dialogs: ReactNode = (
    <>
      {editing && (
        <EventEditor
          heading={editing.kind === "create" ? "New appointment" : `Edit “${editing.values.title}”`}
          initial={editing.values}
          directory={directory}
          recurrence
          error={error}
          busy={busy}
          onSave={submit}
          onClose={() => setEditing(null)}
          clinic={clinic}
        />
      )}
      {scopeAsk && (
        <ScopePrompt
          action={scopeAsk.action}
          onAnswer={(s) => {
            setScopeAsk(null);
            scopeAsk.resolve(s);
          }}
        />
      )}
      {conflictAsk && (
        <ConflictWarning
          conflicts={conflictAsk.conflicts}
          timeZone={timeZone}
          onAnswer={(b) => {
            setConflictAsk(null);
            conflictAsk.resolve(b);
          }}
        />
      )}
      {closureAsk && (
        <ClosureWarningDialog
          closures={closureAsk.closures}
          overridable={closureAsk.overridable}
          timeZone={timeZone}
          onAnswer={(b) => {
            setClosureAsk(null);
            closureAsk.resolve(b);
          }}
        />
      )}
    </>
  );

  return { dialogs, busy, onSelect, onDrag, openNew, editOccurrence, deleteOccurrence, changeStatus };
}
