import ical, { ICalCalendarMethod } from "ical-generator";
import { Temporal } from "temporal-polyfill";

/**
 * The texts of reminder e-mails: pure, so tests can read them without a mail server. They carry no more
 * patient data than the reminder needs: no names, no notes (descriptions), no other patients of a group
 * session, and a subject without the appointment's title (subjects show on lock screens).
 */
export interface AppointmentFacts {
  orgName: string;
  eventId: string;
  originalStart: Date;
  recurring: boolean;
  title: string;
  location: string | null;
  start: Date;
  end: Date;
  allDay: boolean;
  /** The zone of an all-day event's dates. */
  eventTimeZone: string;
  /** The zone the recipient reads times in (the patient's, else the organisation's). */
  timeZone: string;
}

export interface ComposedMail {
  subject: string;
  text: string;
  ics?: { filename: string; content: string };
}

const zoned = (at: Date, timeZone: string) => Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(timeZone);

/** "Tuesday, March 3, 2026" */
export function formatDay(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-US", { timeZone, weekday: "long", year: "numeric", month: "long", day: "numeric" }).format(at);
}

/** "9:00 AM" */
export function formatTime(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-US", { timeZone, hour: "numeric", minute: "2-digit" }).format(at);
}

/** "EST" / "GMT+1": the zone's abbreviation at that instant, so the reader knows which clock is meant. */
function zoneLabel(at: Date, timeZone: string): string {
  const part = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "short" }).formatToParts(at).find((p) => p.type === "timeZoneName");
  return part?.value ?? timeZone;
}

/** When the appointment is, in the recipient's zone (all-day: its dates, as planned). */
export function describeWhen(facts: Pick<AppointmentFacts, "start" | "end" | "allDay" | "eventTimeZone" | "timeZone">): string {
  if (facts.allDay) {
    const lastDay = new Date(facts.end.getTime() - 1);
    const first = formatDay(facts.start, facts.eventTimeZone);
    const last = formatDay(lastDay, facts.eventTimeZone);
    return first === last ? `${first} (all day)` : `${first} to ${last} (all day)`;
  }
  const day = formatDay(facts.start, facts.timeZone);
  const sameDay = zoned(facts.start, facts.timeZone).toPlainDate().equals(zoned(facts.end, facts.timeZone).toPlainDate());
  const end = sameDay ? formatTime(facts.end, facts.timeZone) : `${formatDay(facts.end, facts.timeZone)}, ${formatTime(facts.end, facts.timeZone)}`;
  return `${day}, ${formatTime(facts.start, facts.timeZone)} – ${end} ${zoneLabel(facts.start, facts.timeZone)} (${facts.timeZone})`;
}

/**
 * The calendar file: the one occurrence, in UTC (no VTIMEZONE needed), under the same UID as the
 * patient's ICS feed gives it, so a client that has both shows it once.
 */
export function occurrenceIcs(facts: AppointmentFacts, stamp: Date): string {
  const calendar = ical({
    prodId: { company: "Cohort Calendar", product: "Reminders", language: "EN" },
    method: ICalCalendarMethod.PUBLISH,
  });
  const date = (at: Date) => zoned(at, facts.eventTimeZone).toPlainDate();
  calendar.createEvent({
    id: facts.recurring ? `${facts.eventId}-${facts.originalStart.getTime()}@cohort-calendar` : `${facts.eventId}@cohort-calendar`,
    start: facts.allDay ? date(facts.start) : facts.start,
    end: facts.allDay ? date(facts.end) : facts.end,
    allDay: facts.allDay,
    summary: facts.title,
    location: facts.location ?? undefined,
    stamp,
  });
  return calendar.toString();
}

export function composePatientReminder(facts: AppointmentFacts, stamp: Date): ComposedMail {
  const startDay = facts.allDay ? formatDay(facts.start, facts.eventTimeZone) : `${formatDay(facts.start, facts.timeZone)}, ${formatTime(facts.start, facts.timeZone)}`;
  const lines = [
    `This is a reminder of your appointment with ${facts.orgName}.`,
    "",
    `What:  ${facts.title}`,
    `When:  ${describeWhen(facts)}`,
    ...(facts.location ? [`Where: ${facts.location}`] : []),
    "",
    "The attached calendar file adds it to your calendar.",
    "If you cannot attend, please let us know as early as you can.",
  ];
  return {
    subject: `Appointment reminder: ${startDay}`,
    text: `${lines.join("\n")}\n`,
    ics: { filename: "appointment.ics", content: occurrenceIcs(facts, stamp) },
  };
}

export interface AgendaItem {
  start: Date;
  end: Date;
  allDay: boolean;
  title: string;
  location: string | null;
  patients: number;
}

/**
 * A staff member's agenda of one day. It lists times, titles and how many patients attend, not who:
 * the names are one click away in the calendar, behind a login, rather than in a mailbox.
 */
export function composeAgenda(input: { orgName: string; scope: string; date: string; timeZone: string; items: AgendaItem[]; calendarUrl: string }): ComposedMail {
  const day = formatDay(new Date(`${input.date}T12:00:00Z`), "UTC");
  const rows = input.items.map((item) => {
    const when = item.allDay ? "All day" : `${formatTime(item.start, input.timeZone)}–${formatTime(item.end, input.timeZone)}`;
    const who = `${item.patients} patient${item.patients === 1 ? "" : "s"}`;
    return `${when.padEnd(20)} ${item.title}${item.location ? ` (${item.location})` : ""}, ${who}`;
  });
  const body = rows.length ? rows : ["No appointments."];
  return {
    subject: `Agenda for ${day}: ${input.items.length} appointment${input.items.length === 1 ? "" : "s"}`,
    text: `${input.orgName}: ${input.scope}, ${day} (${input.timeZone})\n\n${body.join("\n")}\n\nOpen the calendar: ${input.calendarUrl}\n`,
  };
}
