"use client";

import type { ReactNode } from "react";
import type { FeedOccurrence } from "@/lib/events/types";
import { STATUS_LABEL, type ClinicLookup } from "./clinic";
import { Modal } from "./Modal";
import type { PatientDirectory } from "./patient-directory";

/** "Tue, Jul 14, 2026, 10:00 AM – 10:30 AM" from the feed's ISO times (already in the view's zone). */
export function describeWhen(o: Pick<FeedOccurrence, "start" | "end" | "allDay">, timeZone: string): string {
  if (o.allDay) {
    const fmt = new Intl.DateTimeFormat("en-US", { weekday: "short", month: "short", day: "numeric", year: "numeric", timeZone: "UTC" });
    return `${fmt.format(new Date(`${o.start}T12:00:00Z`))} (all day)`;
  }
  const day = new Intl.DateTimeFormat("en-US", { weekday: "short", month: "short", day: "numeric", year: "numeric", timeZone });
  const time = new Intl.DateTimeFormat("en-US", { hour: "numeric", minute: "2-digit", timeZone });
  const start = new Date(o.start);
  return `${day.format(start)}, ${time.format(start)} – ${time.format(new Date(o.end))}`;
}

interface OccurrenceDetailsProps {
  occurrence: FeedOccurrence;
  directory: PatientDirectory;
  timeZone: string;
  onClose: () => void;
  /** Staff actions (edit, delete); none for patients. */
  actions?: ReactNode;
  /** Names of clinicians, rooms and types (staff). */
  clinic?: ClinicLookup;
  /** The status buttons (staff). */
  status?: ReactNode;
}

export function OccurrenceDetails({ occurrence, directory, timeZone, onClose, actions, clinic, status }: OccurrenceDetailsProps) {
  const type = clinic?.type(occurrence.typeId);
  const clinician = clinic?.resource(occurrence.clinicianId);
  const room = clinic?.resource(occurrence.roomId);
  const row = (label: string, value: ReactNode) => (
    <>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </>
  );
  return (
    <Modal title={occurrence.title} onClose={onClose}>
      <dl className="details">
        {occurrence.status && row("Status", <span className={`status-badge${occurrence.status === "cancelled" ? " badge-cancelled" : ""}`}>{STATUS_LABEL[occurrence.status]}</span>)}
        {occurrence.status === "cancelled" && occurrence.statusReason && row("Reason", occurrence.statusReason)}
        <dt>When</dt>
        <dd>{describeWhen(occurrence, timeZone)}</dd>
        {occurrence.recurring && (
          <>
            <dt>Repeats</dt>
            <dd>{occurrence.rrule ?? "Yes"}</dd>
          </>
        )}
        <dt>{occurrence.patientIds.length === 1 ? "Patient" : "Patients"}</dt>
        <dd>{occurrence.patientIds.map((id) => directory.name(id)).join(", ") || "—"}</dd>
        {type && row("Type", type.name)}
        {clinician && row("Clinician", clinician.name)}
        {room && row("Room", room.name)}
        {occurrence.location && (
          <>
            <dt>Location</dt>
            <dd>{occurrence.location}</dd>
          </>
        )}
        {occurrence.description && (
          <>
            <dt>Notes</dt>
            <dd className="pre">{occurrence.description}</dd>
          </>
        )}
      </dl>
      {status}
      {actions && <div className="modal-actions">{actions}</div>}
    </Modal>
  );
}
