"use client";

import { useState } from "react";
import type { ClosureWarning, EditScope, SchedulingConflict } from "@/lib/events/types";
import { Modal } from "./Modal";
import { describeWhen } from "./OccurrenceDetails";

const SCOPES: { value: EditScope; label: string }[] = [
  { value: "this", label: "This event" },
  { value: "following", label: "This and following events" },
  { value: "all", label: "All events" },
];

/** Google Calendar's question for a recurring appointment: which occurrences does the change apply to? */
export function ScopePrompt({ action, onAnswer }: { action: "Edit" | "Delete"; onAnswer: (scope: EditScope | null) => void }) {
  const [scope, setScope] = useState<EditScope>("this");
  return (
    <Modal title={`${action} recurring event`} onClose={() => onAnswer(null)}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onAnswer(scope);
        }}
      >
        <div role="radiogroup" aria-label="Apply to" className="scope-options">
          {SCOPES.map((s) => (
            <label key={s.value}>
              <input type="radio" name="scope" value={s.value} checked={scope === s.value} onChange={() => setScope(s.value)} autoFocus={s.value === "this"} />
              {s.label}
            </label>
          ))}
        </div>
        <div className="modal-actions">
          <button type="button" onClick={() => onAnswer(null)}>
            Cancel
          </button>
          <button type="submit" className="primary">
            OK
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** The other appointments of the same patients that overlap, before anything is saved. */
export function ConflictWarning({ conflicts, timeZone, onAnswer }: { conflicts: SchedulingConflict[]; timeZone: string; onAnswer: (book: boolean) => void }) {
  return (
    <Modal title="Scheduling conflict" onClose={() => onAnswer(false)}>
      <p role="alert">These patients already have appointments at that time:</p>
      <ul className="conflicts">
        {conflicts.map((c) => (
          <li key={`${c.eventId}-${c.start}`}>
            <strong>{c.title}</strong> — {describeWhen({ start: c.start, end: c.end, allDay: !c.start.includes("T") }, timeZone)}
          </li>
        ))}
      </ul>
      <div className="modal-actions">
        <button type="button" onClick={() => onAnswer(false)}>
          Don’t save
        </button>
        <button type="button" className="primary" onClick={() => onAnswer(true)}>
          Save anyway
        </button>
      </div>
    </Modal>
  );
}

const REASON: Record<ClosureWarning["reason"], string> = {
  closure: "Closed",
  absence: "Away",
  outside_hours: "Outside working hours",
};

/**
 * The occurrences that fall into a closure, an absence or outside working hours, listed before anything
 * is saved (a series shows each one). Administrators may book anyway; staff are told who can.
 */
export function ClosureWarningDialog({
  closures,
  overridable,
  timeZone,
  onAnswer,
}: {
  closures: ClosureWarning[];
  overridable: boolean;
  timeZone: string;
  onAnswer: (book: boolean) => void;
}) {
  return (
    <Modal title="Closed at that time" onClose={() => onAnswer(false)}>
      <p role="alert">
        {closures.length === 1 ? "This appointment falls" : `${closures.length} occurrences fall`} into a closure, an absence or outside working hours:
      </p>
      <ul className="conflicts" aria-label="Affected occurrences">
        {closures.map((c) => (
          <li key={`${c.originalStart}-${c.reason}-${c.detail}`}>
            {describeWhen({ start: c.start, end: c.end, allDay: !c.start.includes("T") }, timeZone)} — {REASON[c.reason]}: {c.detail}
          </li>
        ))}
      </ul>
      {!overridable && <p className="muted">Only an administrator can book into a closure.</p>}
      <div className="modal-actions">
        <button type="button" onClick={() => onAnswer(false)} autoFocus={!overridable}>
          {overridable ? "Don’t save" : "Back"}
        </button>
        {overridable && (
          <button type="button" className="primary" onClick={() => onAnswer(true)}>
            Book anyway
          </button>
        )}
      </div>
    </Modal>
  );
}
