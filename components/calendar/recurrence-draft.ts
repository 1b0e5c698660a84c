/**
 * The recurrence editor's model and its RRULE text (RFC 5545, no DTSTART: the event's start is the first
 * occurrence). Pure, so the presets and the custom editor share one translation.
 */
export const WEEKDAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"] as const;
export const WEEKDAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const ORDINALS: Record<string, string> = { "1": "1st", "2": "2nd", "3": "3rd", "4": "4th", "-1": "last" };

export interface RecurrenceDraft {
  freq: "DAILY" | "WEEKLY" | "MONTHLY" | "YEARLY";
  interval: number;
  byDay: string[];
  /** Monthly: on the start's day of the month, or on its nth weekday ("2nd Tuesday"). */
  monthly: "day" | "nth";
  end: "never" | "count" | "until";
  count: number;
  until: string;
}

/** Weekday code and ordinal of a local date: 2026-07-14 → TU, 2 (the last week counts as -1). */
export function weekdayOf(date: string): { code: string; nth: number } {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { code: WEEKDAYS[weekday]!, nth: d + 7 > daysInMonth ? -1 : Math.ceil(d / 7) };
}

export function describeNth(date: string): string {
  const { code, nth } = weekdayOf(date);
  return `${ORDINALS[String(nth)]} ${WEEKDAY_NAMES[WEEKDAYS.indexOf(code as (typeof WEEKDAYS)[number])]}`;
}

export function defaultDraft(startDate: string): RecurrenceDraft {
  return { freq: "WEEKLY", interval: 1, byDay: [weekdayOf(startDate).code], monthly: "day", end: "never", count: 10, until: startDate };
}

export function toRrule(draft: RecurrenceDraft, startDate: string): string {
  const parts = [`FREQ=${draft.freq}`];
  if (draft.interval > 1) parts.push(`INTERVAL=${draft.interval}`);
  if (draft.freq === "WEEKLY" && draft.byDay.length) parts.push(`BYDAY=${WEEKDAYS.filter((d) => draft.byDay.includes(d)).join(",")}`);
  if (draft.freq === "MONTHLY" && draft.monthly === "nth") {
    const { code, nth } = weekdayOf(startDate);
    parts.push(`BYDAY=${nth}${code}`);
  }
  if (draft.end === "count") parts.push(`COUNT=${Math.max(1, draft.count)}`);
  // A date UNTIL is inclusive through that local day.
  if (draft.end === "until" && draft.until) parts.push(`UNTIL=${draft.until.replace(/-/g, "")}`);
  return parts.join(";");
}

/** Reads a rule back into the editor; null when the editor cannot show it (kept as raw text then). */
export function fromRrule(rrule: string, startDate: string): RecurrenceDraft | null {
  const map = new Map(rrule.split(";").map((p) => p.split("=") as [string, string]));
  const freq = map.get("FREQ");
  if (freq !== "DAILY" && freq !== "WEEKLY" && freq !== "MONTHLY" && freq !== "YEARLY") return null;
  const known = new Set(["FREQ", "INTERVAL", "BYDAY", "COUNT", "UNTIL"]);
  if ([...map.keys()].some((k) => !known.has(k))) return null;
  const draft = defaultDraft(startDate);
  draft.freq = freq;
  draft.interval = Number(map.get("INTERVAL") ?? 1);
  const byDay = map.get("BYDAY");
  if (byDay && freq === "WEEKLY") draft.byDay = byDay.split(",");
  else if (byDay && freq === "MONTHLY" && /^-?\d(SU|MO|TU|WE|TH|FR|SA)$/.test(byDay)) draft.monthly = "nth";
  else if (byDay) return null;
  if (map.has("COUNT")) Object.assign(draft, { end: "count", count: Number(map.get("COUNT")) });
  const until = map.get("UNTIL");
  if (until) Object.assign(draft, { end: "until", until: `${until.slice(0, 4)}-${until.slice(4, 6)}-${until.slice(6, 8)}` });
  return draft;
}

/** The presets of the editor's first menu, as Google Calendar offers them. */
export function presets(startDate: string): { label: string; rrule: string | null }[] {
  const { code } = weekdayOf(startDate);
  const day = WEEKDAY_NAMES[WEEKDAYS.indexOf(code as (typeof WEEKDAYS)[number])];
  return [
    { label: "Does not repeat", rrule: null },
    { label: "Daily", rrule: "FREQ=DAILY" },
    { label: `Weekly on ${day}`, rrule: `FREQ=WEEKLY;BYDAY=${code}` },
    { label: `Monthly on the ${describeNth(startDate)}`, rrule: toRrule({ ...defaultDraft(startDate), freq: "MONTHLY", monthly: "nth" }, startDate) },
    { label: "Every weekday (Monday to Friday)", rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR" },
  ];
}
