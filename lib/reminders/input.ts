import { z } from "zod";

/**
 * Reminder settings as input (pure: shared by event input validation, actions and forms). Lead times
 * are minutes before the start: at most five, at most four weeks (the schedule looks that far ahead).
 */
export const MAX_REMINDER_MINUTES = 4 * 7 * 24 * 60;

export const minutesBeforeSchema = z
  .array(
    z
      .number()
      .int("must be whole minutes")
      // At least a minute: a reminder is only sent before its appointment begins.
      .min(1, "must be at least 1 minute")
      .max(MAX_REMINDER_MINUTES, `may be at most ${MAX_REMINDER_MINUTES} minutes (four weeks)`),
  )
  .max(5, "may hold at most five reminders")
  .transform((list) => [...new Set(list)].sort((a, b) => b - a));

/** `reminders` on event input: the event's own lead times (`[]` turns them off), or null for the organisation's. */
export const eventRemindersSchema = z.object({ minutesBefore: minutesBeforeSchema }).strict().nullable();
export type EventRemindersInput = z.infer<typeof eventRemindersSchema>;
