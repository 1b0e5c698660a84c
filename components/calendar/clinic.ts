/**
 * Clinical scheduling in the browser (issue 11): names and colours of clinicians, rooms and appointment
 * types (from the page, which reads them once), status labels, and how the calendar colours and filters.
 */
import type { AppointmentStatus, FeedOccurrence } from "@/lib/events/types";
import type { ClinicDirectory, ResourceSummary, AppointmentTypeSummary } from "@/lib/resources/resources";

export type { ClinicDirectory, ResourceSummary, AppointmentTypeSummary };

export const STATUS_LABEL: Record<AppointmentStatus, string> = {
  booked: "Booked",
  confirmed: "Confirmed",
  checked_in: "Checked in",
  attended: "Attended",
  no_show: "No-show",
  cancelled: "Cancelled",
};

export type ColorBy = "patient" | "type" | "clinician" | "room";
export type LaneRows = "patients" | "clinicians" | "rooms";

export interface ClinicFilter {
  clinicianId: string;
  roomId: string;
}

export const NO_FILTER: ClinicFilter = { clinicianId: "", roomId: "" };

export class ClinicLookup {
  private readonly resources = new Map<string, ResourceSummary>();
  private readonly types = new Map<string, AppointmentTypeSummary>();

  constructor(readonly directory: ClinicDirectory) {
    for (const r of [...directory.clinicians, ...directory.rooms]) this.resources.set(r.id, r);
    for (const t of directory.types) this.types.set(t.id, t);
  }

  resource(id: string | undefined | null): ResourceSummary | undefined {
    return id ? this.resources.get(id) : undefined;
  }

  type(id: string | undefined | null): AppointmentTypeSummary | undefined {
    return id ? this.types.get(id) : undefined;
  }

  /** The colour an occurrence takes when the calendar colours by something other than patients. */
  colorOf(o: FeedOccurrence, by: Exclude<ColorBy, "patient">): string | undefined {
    if (by === "type") return this.type(o.typeId)?.color;
    return this.resource(by === "clinician" ? o.clinicianId : o.roomId)?.color;
  }
}

export const matchesFilter = (o: FeedOccurrence, f: ClinicFilter) =>
  (!f.clinicianId || o.clinicianId === f.clinicianId) && (!f.roomId || o.roomId === f.roomId);

/** "Hydrotherapy — Checked in": the status in words wherever the title is shown (not by colour alone). */
export function titleWithStatus(title: string, status: AppointmentStatus | undefined): string {
  return status && status !== "booked" ? `${title} — ${STATUS_LABEL[status]}` : title;
}
