/**
 * The cohort calendar's state as it lives in the URL, so a link reopens the same calendar:
 * `?view=week&date=2026-07-14&cohort=<id>` or `&patients=<id>,<id>`. Pure: used by the page (server) to
 * read the link and by the planner (browser) to write it back.
 */
export const VIEWS = ["month", "week", "day", "list", "year", "lanes"] as const;
export type PlannerView = (typeof VIEWS)[number];

export type Selection =
  | { kind: "org" }
  | { kind: "cohort"; cohortId: string }
  | { kind: "patients"; patientIds: string[] };

export interface PlannerState {
  view: PlannerView;
  /** A local date (YYYY-MM-DD) inside the period shown; null: today. */
  date: string | null;
  selection: Selection;
}

/** A URL holds at most this many ids (the feed's GET limit); larger selections are saved as a cohort. */
export const MAX_URL_PATIENTS = 200;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** FullCalendar's view names for ours (lanes is drawn by us). */
export const FC_VIEW: Record<Exclude<PlannerView, "lanes">, string> = {
  month: "dayGridMonth",
  week: "timeGridWeek",
  day: "timeGridDay",
  list: "listWeek",
  year: "multiMonthYear",
};

export function viewFromFullCalendar(type: string): PlannerView | null {
  const entry = Object.entries(FC_VIEW).find(([, fc]) => fc === type);
  return entry ? (entry[0] as PlannerView) : null;
}

type Params = Record<string, string | string[] | undefined> | URLSearchParams;

function get(params: Params, name: string): string | undefined {
  if (params instanceof URLSearchParams) return params.get(name) ?? undefined;
  const value = params[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Reads a link; anything malformed falls back to the default rather than failing the page. */
export function parsePlannerState(params: Params, defaultView: PlannerView = "week"): PlannerState {
  const view = get(params, "view");
  const date = get(params, "date");
  const cohort = get(params, "cohort");
  const patients = get(params, "patients");
  let selection: Selection = { kind: "org" };
  if (cohort && UUID.test(cohort)) selection = { kind: "cohort", cohortId: cohort.toLowerCase() };
  else if (patients !== undefined) {
    const ids = [...new Set(patients.split(",").filter((id) => UUID.test(id)).map((id) => id.toLowerCase()))];
    selection = { kind: "patients", patientIds: ids.slice(0, MAX_URL_PATIENTS) };
  }
  return {
    view: VIEWS.includes(view as PlannerView) ? (view as PlannerView) : defaultView,
    date: date && DATE.test(date) && !Number.isNaN(Date.parse(date)) ? date : null,
    selection,
  };
}

export function plannerSearch(state: PlannerState): string {
  const params = new URLSearchParams();
  params.set("view", state.view);
  if (state.date) params.set("date", state.date);
  if (state.selection.kind === "cohort") params.set("cohort", state.selection.cohortId);
  if (state.selection.kind === "patients") params.set("patients", state.selection.patientIds.join(","));
  // Keep ids readable in the address bar: commas need no escaping in a query string.
  return `?${params.toString().replace(/%2C/g, ",")}`;
}

/** A stable key of what is shown: feeds and caches are per selection. */
export function selectionKey(selection: Selection): string {
  if (selection.kind === "cohort") return `cohort:${selection.cohortId}`;
  if (selection.kind === "patients") return `patients:${selection.patientIds.join(",")}`;
  return "org";
}
