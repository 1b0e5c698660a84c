"use client";

import type { FeedOccurrence } from "@/lib/events/types";
import type { ClinicLookup } from "./clinic";
import { OccurrenceDetails } from "./OccurrenceDetails";
import type { PatientDirectory } from "./patient-directory";
import { StatusActions } from "./StatusActions";
import type { useEventEditing } from "./use-event-editing";

interface PlannerDetailsProps {
  occurrence: FeedOccurrence;
  directory: PatientDirectory;
  clinic: ClinicLookup;
  timeZone: string;
  editing: ReturnType<typeof useEventEditing>;
  /** Replaces the occurrence shown (after a status change) or closes the dialog (null). */
  onChange: (occurrence: FeedOccurrence | null) => void;
}

/** An appointment opened from the cohort calendar: its details, the status buttons, edit and delete. */
export function PlannerDetails({ occurrence, directory, clinic, timeZone, editing, onChange }: PlannerDetailsProps) {
  return (
    <OccurrenceDetails
      occurrence={occurrence}
      directory={directory}
      clinic={clinic}
      timeZone={timeZone}
      onClose={() => onChange(null)}
      status={
        <StatusActions
          occurrence={occurrence}
          busy={editing.busy}
          onChange={(status, reason) =>
            void editing.changeStatus(occurrence, status, reason).then((done) => {
              if (done) onChange({ ...occurrence, status, statusReason: status === "cancelled" ? reason : undefined });
            })
          }
        />
      }
      actions={
        <>
          <button type="button" className="danger" onClick={() => void editing.deleteOccurrence(occurrence).then((done) => done && onChange(null))}>
            Delete
          </button>
          <button
            type="button"
            className="primary"
            onClick={() => {
              onChange(null);
              editing.editOccurrence(occurrence);
            }}
          >
            Edit
          </button>
        </>
      }
    />
  );
}
