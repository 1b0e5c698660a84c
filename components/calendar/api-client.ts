/**
 * The browser's side of the JSON API: every failure becomes an ApiError whose message a person can act on
 * (the server's own message for 400/404/409, a plain sentence for 401/403/429/503), never a silent drop.
 */
import type { ClosureSummary, WorkingHoursEntry } from "@/lib/closures/closures";
import type { FeedOccurrence } from "@/lib/events/types";
import type { Selection } from "./planner-state";
import { MAX_URL_PATIENTS } from "./planner-state";

export interface PatientSummary {
  id: string;
  name: string;
  color: string;
  /** Archived: their history still shows; their future does not (lib/events/archive-cutoffs.ts). */
  archived?: true;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export function describeFailure(status: number, code: string, serverMessage: string | undefined, retryAfter: string | null): string {
  if (status === 401) return "Your session has ended. Sign in again to continue.";
  if (status === 403) return serverMessage ?? "You are not allowed to do that.";
  if (status === 429) return `Too many requests. Try again in ${retryAfter ?? "a few"} seconds.`;
  if (status === 503) return "The service is briefly unavailable. Try again in a moment.";
  if (status >= 500) return "Something went wrong on our side. Try again.";
  return serverMessage ?? `The request failed (${code}).`;
}

export async function apiFetch<T>(url: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    // A GET carries no Content-Type: the first window's reads take the page's preloads of them
    // (first-window.ts), and browsers stricter than Chromium take a preload only for a request like it.
    const headers = init?.body === undefined ? init?.headers : { "Content-Type": "application/json", ...init.headers };
    response = await fetch(url, { ...init, headers });
  } catch {
    throw new ApiError(0, "network", "The server cannot be reached. Check your connection.");
  }
  if (response.ok) return (await response.json()) as T;
  const body = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  const code = body?.error?.code ?? "error";
  const message = describeFailure(response.status, code, body?.error?.message, response.headers.get("Retry-After"));
  throw new ApiError(response.status, code, message, body);
}

/** The occurrences of a selection in [start, end): GET for URL-sized selections, POST beyond. */
export function fetchOccurrences(selection: Selection, start: string, end: string, timeZone: string): Promise<FeedOccurrence[]> {
  if (selection.kind === "patients" && selection.patientIds.length === 0) return Promise.resolve([]);
  if (selection.kind === "patients" && selection.patientIds.length > MAX_URL_PATIENTS) {
    return apiFetch("/api/events/query", {
      method: "POST",
      body: JSON.stringify({ start, end, timeZone, patientIds: selection.patientIds }),
    });
  }
  return takePrefetched<FeedOccurrence[]>(feedUrl(selection, start, end, timeZone));
}

/** Forgets prefetched windows: call before a refetch that must see a change. */
export function dropPrefetchedOccurrences(): void {
  prefetched.clear();
}

/**
 * The prefetched answer for this window if it has already arrived (and is recent): the calendar can then
 * take it synchronously, during its own first render.
 */
export function prefetchedOccurrences(selection: Selection, start: string, end: string, timeZone: string): FeedOccurrence[] | undefined {
  return arrived<FeedOccurrence[]>(feedUrl(selection, start, end, timeZone));
}

/** The GET `fetchOccurrences` will make for this window; undefined when it makes none (first-window.ts). */
export function feedGetUrl(selection: Selection, start: string, end: string, timeZone: string): string | undefined {
  if (selection.kind === "patients" && (selection.patientIds.length === 0 || selection.patientIds.length > MAX_URL_PATIENTS)) return undefined;
  return feedUrl(selection, start, end, timeZone);
}

/** The calendar's background for a window (closures; absences and working hours of the resources named). */
export interface Schedule {
  closures: ClosureSummary[];
  workingHours: Record<string, WorkingHoursEntry[]>;
}

export function scheduleUrl(start: string, end: string, timeZone: string, resources: string[]): string {
  return `/api/schedule?${new URLSearchParams({ start, end, timeZone, resources: resources.join(",") }).toString()}`;
}

export const fetchSchedule = (url: string) => takePrefetched<Schedule>(url);
export const prefetchedSchedule = (url: string) => arrived<Schedule>(url);

const PREFETCH_MAX_AGE_MS = 5_000;
const prefetched = new Map<string, { at: number; reply: Promise<unknown>; value?: unknown }>();

/** Starts a GET that `fetchOccurrences` or `fetchSchedule` will make, for it to take the answer. */
export function prefetch(url: string): void {
  if (prefetched.has(url)) return;
  const reply = apiFetch<unknown>(url);
  const entry: { at: number; reply: Promise<unknown>; value?: unknown } = { at: Date.now(), reply };
  // Failures are taken (and retried) by takePrefetched, or dropped.
  reply.then((value) => void (entry.value = value), () => {});
  prefetched.set(url, entry);
}

/**
 * A prefetch answers while recent (FullCalendar may ask twice as it starts); one that failed is asked
 * again rather than reported. Anything that must read anew (a change, an edit) drops it first.
 */
function takePrefetched<T>(url: string): Promise<T> {
  const early = prefetched.get(url);
  if (early && early.at > Date.now() - PREFETCH_MAX_AGE_MS) return (early.reply as Promise<T>).catch(() => apiFetch<T>(url));
  prefetched.delete(url);
  return apiFetch<T>(url);
}

function arrived<T>(url: string): T | undefined {
  const early = prefetched.get(url);
  return early && early.at > Date.now() - PREFETCH_MAX_AGE_MS ? (early.value as T | undefined) : undefined;
}

function feedUrl(selection: Selection, start: string, end: string, timeZone: string): string {
  const params = new URLSearchParams({ start, end, timeZone });
  if (selection.kind === "cohort") params.set("cohort", selection.cohortId);
  if (selection.kind === "patients") params.set("patients", selection.patientIds.join(","));
  return `/api/events?${params.toString()}`;
}

export interface PatientPage {
  patients: PatientSummary[];
  next: string | null;
}

export function searchPatients(q: string, options: { after?: string | null; cohortId?: string; limit?: number; includeArchived?: boolean } = {}) {
  const params = new URLSearchParams({ q });
  if (options.includeArchived) params.set("archived", "include");
  if (options.after) params.set("after", options.after);
  if (options.cohortId) params.set("cohort", options.cohortId);
  if (options.limit) params.set("limit", String(options.limit));
  return apiFetch<PatientPage>(`/api/patients?${params.toString()}`);
}

export async function lookupPatients(ids: string[]): Promise<PatientSummary[]> {
  if (ids.length === 0) return [];
  const { patients } = await apiFetch<{ patients: PatientSummary[] }>("/api/patients/lookup", {
    method: "POST",
    body: JSON.stringify({ ids }),
  });
  return patients;
}

/**
 * Every member of a cohort, archived ones included: their history stays on the cohort's calendar (paged
 * through; bounded, as a lanes view of more rows is not usable anyway).
 */
export async function listCohortMembers(cohortId: string, max = 1000): Promise<PatientSummary[]> {
  const out: PatientSummary[] = [];
  let after: string | null = null;
  do {
    const page: PatientPage = await searchPatients("", { cohortId, after, limit: 500, includeArchived: true });
    out.push(...page.patients);
    after = page.next;
  } while (after && out.length < max);
  return out.slice(0, max);
}
