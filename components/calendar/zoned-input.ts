import { Temporal } from "temporal-polyfill";

/** "2026-07-14T10:00" read in `timeZone` → ISO-8601 with the offset, as the API takes it. */
export function localToIso(local: string, timeZone: string): string {
  return Temporal.PlainDateTime.from(local).toZonedDateTime(timeZone, { disambiguation: "compatible" }).toString({ timeZoneName: "never" });
}

/** An ISO instant → "2026-07-14T10:00" in `timeZone`, for <input type="datetime-local">. */
export function isoToLocal(iso: string, timeZone: string): string {
  return Temporal.Instant.from(iso).toZonedDateTimeISO(timeZone).toPlainDateTime().toString({ smallestUnit: "minute" });
}
