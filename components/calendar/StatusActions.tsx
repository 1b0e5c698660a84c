"use client";

import { useState } from "react";
import type { AppointmentStatus, FeedOccurrence } from "@/lib/events/types";
import { STATUS_LABEL } from "./clinic";

const STEPS: { status: AppointmentStatus; label: string }[] = [
  { status: "confirmed", label: "Confirm" },
  { status: "checked_in", label: "Check in" },
  { status: "attended", label: "Attended" },
  { status: "no_show", label: "No-show" },
];

interface StatusActionsProps {
  occurrence: FeedOccurrence;
  busy: boolean;
  onChange: (status: AppointmentStatus, reason?: string) => void;
}

/**
 * The front desk's one-click status buttons. The current status is pressed (aria-pressed); cancelling asks
 * for a reason first; a cancelled occurrence can be restored to booked.
 */
export function StatusActions({ occurrence, busy, onChange }: StatusActionsProps) {
  const current = occurrence.status ?? "booked";
  const [cancelling, setCancelling] = useState(false);
  const [reason, setReason] = useState("");

  if (current === "cancelled") {
    return (
      <div className="status-actions" role="group" aria-label="Status">
        <button type="button" disabled={busy} onClick={() => onChange("booked")}>
          Restore appointment
        </button>
      </div>
    );
  }
  return (
    <div className="status-actions" role="group" aria-label="Status">
      {STEPS.map((step) => (
        <button
          key={step.status}
          type="button"
          aria-pressed={current === step.status}
          disabled={busy}
          onClick={() => onChange(current === step.status ? "booked" : step.status)}
          title={current === step.status ? `Back to ${STATUS_LABEL.booked.toLowerCase()}` : undefined}
        >
          {step.label}
        </button>
      ))}
      {!cancelling ? (
        <button type="button" className="danger" disabled={busy} onClick={() => setCancelling(true)}>
          Cancel appointment…
        </button>
      ) : (
        <form
          className="cancel-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (reason.trim()) onChange("cancelled", reason.trim());
          }}
        >
          <label className="field">
            Reason for cancelling
            <input required maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} autoFocus />
          </label>
          <div className="row">
            <button type="button" onClick={() => setCancelling(false)}>
              Keep it
            </button>
            <button type="submit" className="danger" disabled={busy || !reason.trim()}>
              Cancel appointment
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
