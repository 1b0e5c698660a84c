import { z } from "zod";
import { MAX_OCCURRENCE_DAYS } from "@/lib/db/schema";
import { badRequest } from "@/lib/errors";
import { eventRemindersSchema } from "@/lib/reminders/input";

export { parseInput } from "@/lib/errors";
import { isValidTimeZone, zonedInstant } from "@/lib/time/zones";
import { parseRrule, RecurrenceError } from "./recurrence";

/** Validation of event input at the boundary; every message says what is wrong. */
const timeZone = z.string().max(64).refine(isValidTimeZone, { message: "is not a known IANA time zone (e.g. America/New_York)" });
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:[Zz]|[+-]\d{2}:?\d{2})$/;

const fields = {
  title: z.string().trim().min(1, "is required").max(200, "may be at most 200 characters"),
  start: z.string().max(40),
  end: z.string().max(40),
  allDay: z.boolean(),
  timeZone,
  rrule: z.string().max(500, "may be at most 500 characters").nullable(),
  patientIds: z
    .array(z.uuid({ message: "must be patient ids (UUIDs)" }))
    .min(1, "must name at least one patient")
    .max(100, "may name at most 100 patients (a group session)"),
  description: z.string().max(5000, "may be at most 5000 characters").nullable(),
  location: z.string().max(200, "may be at most 200 characters").nullable(),
  allowConflicts: z.boolean(),
  // Clinical scheduling (issue 11): checked against the organisation in lib/resources/assign.ts.
  clinicianId: z.uuid({ message: "must be a clinician id (UUID)" }).nullable(),
  roomId: z.uuid({ message: "must be a room id (UUID)" }).nullable(),
  typeId: z.uuid({ message: "must be an appointment type id (UUID)" }).nullable(),
  allowClosures: z.boolean(),
  /** The event's own reminders (lib/reminders); absent or null: the organisation's defaults. */
  reminders: eventRemindersSchema,
};

export const createEventSchema = z
  .object({
    ...fields,
    allDay: fields.allDay.default(false),
    rrule: fields.rrule.optional(),
    description: fields.description.optional(),
    location: fields.location.optional(),
    allowConflicts: fields.allowConflicts.default(false),
    clinicianId: fields.clinicianId.optional(),
    roomId: fields.roomId.optional(),
    typeId: fields.typeId.optional(),
    allowClosures: fields.allowClosures.default(false),
    reminders: fields.reminders.optional(),
  })
  .strict();

export const patchEventSchema = z
  .object({
    ...Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.optional()])),
    scope: z.enum(["this", "following", "all"], { message: "must be this, following or all" }).optional(),
    occurrenceStart: z.string().max(40).optional(),
    version: z.number().int().positive().optional(),
  })
  .strict() as z.ZodType<Partial<z.infer<typeof createEventSchema>> & {
  scope?: "this" | "following" | "all";
  occurrenceStart?: string;
  version?: number;
}>;

export const deleteEventSchema = z
  .object({
    scope: z.enum(["this", "following", "all"], { message: "must be this, following or all" }).optional(),
    occurrenceStart: z.string().max(40).optional(),
    version: z.coerce.number().int().positive().optional(),
  })
  .strict();

/** An instant given with an offset (timed events); null when the text is not one. */
export function parseExactInstant(text: string): Date | null {
  if (!INSTANT.test(text)) return null;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * The instants of an event's first occurrence: timed events take ISO-8601 with an offset, all-day events
 * dates (end exclusive) read as local midnights in the event's zone.
 */
export function resolveTimes(input: { start: string; end: string; allDay: boolean; timeZone: string }): { startAt: Date; endAt: Date } {
  let startAt: Date | null;
  let endAt: Date | null;
  if (input.allDay) {
    if (!DATE.test(input.start) || !DATE.test(input.end)) {
      throw badRequest("start and end of an all-day event must be dates (YYYY-MM-DD, end exclusive)");
    }
    try {
      startAt = zonedInstant(input.start, "00:00", input.timeZone);
      endAt = zonedInstant(input.end, "00:00", input.timeZone);
    } catch {
      throw badRequest("start and end must be valid dates (YYYY-MM-DD)");
    }
  } else {
    startAt = parseExactInstant(input.start);
    endAt = parseExactInstant(input.end);
    if (!startAt) throw badRequest(`start: "${input.start}" must be an ISO-8601 date-time with an offset`);
    if (!endAt) throw badRequest(`end: "${input.end}" must be an ISO-8601 date-time with an offset`);
  }
  if (endAt <= startAt) throw badRequest("end must be after start");
  if (endAt.getTime() - startAt.getTime() > MAX_OCCURRENCE_DAYS * 86_400_000) {
    throw badRequest(`An occurrence may last at most ${MAX_OCCURRENCE_DAYS} days`);
  }
  return { startAt, endAt };
}

/** The normalised rule, or a 400 that says what is wrong with it. */
export function validateRrule(rule: string | null | undefined): string | null {
  if (!rule) return null;
  try {
    return parseRrule(rule).rule;
  } catch (error) {
    if (error instanceof RecurrenceError) throw badRequest(`rrule: ${error.message}`);
    throw error;
  }
}
