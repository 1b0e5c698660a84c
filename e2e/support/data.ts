/** Today (or `days` from today) at a local hour in America/New_York, the zone of test organisations and the browser. */
export function dayAt(hour: number, days = 0, minute = 0): Date {
  const now = new Date(Date.now() + days * 86_400_000);
  const local = new Date(now.toLocaleString("en-US", { timeZone: "America/New_York" }));
  // toLocaleString drops the milliseconds: round the offset to whole minutes so times land on the minute.
  const offset = Math.round((now.getTime() - local.getTime()) / 60_000) * 60_000;
  local.setHours(hour, minute, 0, 0);
  return new Date(local.getTime() + offset);
}
