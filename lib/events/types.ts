/**
 * The events domain's public shapes, shared by route handlers, server actions and the UI.
 * Times are ISO-8601 strings with an offset (dates `YYYY-MM-DD` for all-day events, end exclusive).
 */
export type EditScope = "this" | "following" | "all";

/** An occurrence's status at the front desk (issue 11). */
export type AppointmentStatus = "booked" | "confirmed" | "checked_in" | "attended" | "no_show" | "cancelled";

/** One item of the JSON feed (`GET /api/events`). */
export interface FeedOccurrence {
  id: string;
  eventId: string;
  title: string;
  start: string;
  end: string;
  allDay: boolean;
  timeZone: string;
  patientIds: string[];
  recurring: boolean;
  rrule?: string;
  /** The occurrence's slot in its series: what `occurrenceStart` names in PATCH and DELETE. */
  originalStart: string;
  version: number;
  description?: string;
  location?: string;
  /** Clinical scheduling (issue 11): the clinician and room the occurrence holds, and its type. */
  clinicianId?: string;
  roomId?: string;
  typeId?: string;
  /** Always present in the feed ("booked" unless changed); patients never receive cancelled ones. */
  status?: AppointmentStatus;
  /** Why it was cancelled. */
  statusReason?: string;
}

/** `POST /api/events` and the create action. */
export interface EventInput {
  title: string;
  start: string;
  end: string;
  allDay?: boolean;
  timeZone: string;
  rrule?: string | null;
  patientIds: string[];
  description?: string | null;
  location?: string | null;
  allowConflicts?: boolean;
  clinicianId?: string | null;
  roomId?: string | null;
  typeId?: string | null;
  /** Book into a closure, an absence or outside working hours anyway (administrators only). */
  allowClosures?: boolean;
  /** The event's own reminders, minutes before each occurrence (`[]`: none); null or absent: the organisation's. */
  reminders?: { minutesBefore: number[] } | null;
}

/** `PATCH /api/events/:id`: the changed fields, and for recurring events the scope and the occurrence. */
export interface EventPatch extends Partial<EventInput> {
  scope?: EditScope;
  occurrenceStart?: string;
  version?: number;
}

export interface EventException {
  originalStart: string;
  cancelled: boolean;
  start?: string;
  end?: string;
  title?: string;
  description?: string | null;
  location?: string | null;
  patientIds?: string[];
  clinicianId?: string;
  roomId?: string;
  typeId?: string;
}

/** `GET /api/events/:id`: a single event or a series master with its exceptions. */
export interface EventDetail {
  id: string;
  title: string;
  start: string;
  end: string;
  allDay: boolean;
  timeZone: string;
  rrule: string | null;
  patientIds: string[];
  description: string | null;
  location: string | null;
  version: number;
  exceptions: EventException[];
  clinicianId?: string | null;
  roomId?: string | null;
  typeId?: string | null;
  /** Staff only: the event's own reminders, or null when it follows the organisation's defaults. */
  reminders?: { minutesBefore: number[] } | null;
}

/** The body of a 409 `scheduling_conflict`: the other occurrences of the same patients that overlap. */
export interface SchedulingConflict {
  eventId: string;
  title: string;
  start: string;
  end: string;
  patientIds: string[];
  /** Set for a double booking of a clinician or room (a hard conflict: never booked anyway). */
  resource?: "clinician" | "room";
}

/**
 * The body of a 409 `scheduling_conflict` for closures: each occurrence that falls into an organisation
 * closure, an absence of its clinician or room, or outside its clinician's working hours.
 */
export interface ClosureWarning {
  /** The occurrence (its slot in the series) and its times, in the actor's zone. */
  originalStart: string;
  start: string;
  end: string;
  reason: "closure" | "absence" | "outside_hours";
  /** The closure's or absence's title; for working hours, a description of them. */
  detail: string;
}

/** Published on the organisation's live channel after every committed change. */
export interface LiveUpdate {
  eventId: string;
  version: number;
  deleted: boolean;
  /** Patients of the event before and after the change: who may need to refresh. */
  patientIds: string[];
  /**
   * Set when the patients themselves changed (renamed, recoloured, archived, restored; `eventId` is then
   * empty): calendars look their names and colours up again, cohort views re-read their members.
   */
  patient?: "updated" | "archived";
  /**
   * Set by an instance that committed a change it could not write through (its cache breaker open): other
   * instances stop trusting the index and replay the outbox, and calendars refetch.
   */
  unindexed?: true;
}
