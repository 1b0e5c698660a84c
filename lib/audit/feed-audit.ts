import "server-only";
import { isStaff, type Actor } from "@/lib/auth/actor";
import { authorizePrepaidRead } from "@/lib/auth/authorize";
import type { PrepaidAudit } from "@/lib/auth/session-check";
import { feedQueryFromUrl, type FeedQuery } from "@/lib/events/feed-query";
import { hotFeedBody, hotTierOpen, recordHotRead } from "@/lib/events/list-occurrences";
import { auditEntry, recordAudit, type AuditInput } from "./record";

/**
 * The audit entry of a calendar read: whose events the query covered. Patients read only their own; staff
 * read the patients or the cohort they asked for, or the whole organisation.
 */
function feedReadInput(actor: Actor, query: FeedQuery, ip: string): AuditInput {
  const details = { start: query.start.toISOString(), end: query.end.toISOString() };
  if (!isStaff(actor)) return { action: "events.read", patientIds: actor.patientId ? [actor.patientId] : [], ip, details };
  if (query.cohortId) return { action: "events.read", cohortId: query.cohortId, ip, details };
  if (query.patientIds) return { action: "events.read", patientIds: query.patientIds, ip, details };
  return { action: "events.read", allPatients: true, ip, details };
}

export function auditFeedRead(actor: Actor, query: FeedQuery, ip: string): Promise<void> {
  return recordAudit(actor, feedReadInput(actor, query, ip));
}

/**
 * A feed read that this process can answer from its hot windows costs one Redis round trip: the guard
 * checks the session, spends the budget and appends the audit entry in one script (lib/auth/session-check),
 * provided the session is still the actor it was last time (`prepay` is handed that guess). The entry is in
 * the stream before the answer leaves, as with `auditFeedRead`; when the guess, the session or the budget
 * says otherwise nothing is appended and the request takes the ordinary path.
 */
export function hotFeedRead(url: string, ip: string) {
  let served: { actor: Actor; query: FeedQuery; body: string | Buffer } | undefined;
  let parsed: { query: FeedQuery } | { error: unknown } | undefined;
  /** The request's query, parsed once; a bad one throws only when asked for (after the session check). */
  const query = (): FeedQuery => {
    if (!parsed) {
      try {
        parsed = { query: feedQueryFromUrl(url) };
      } catch (error) {
        parsed = { error };
      }
    }
    if ("error" in parsed) throw parsed.error;
    return parsed.query;
  };
  return {
    query,
    prepay(guess: Actor): PrepaidAudit | undefined {
      if (!hotTierOpen()) return undefined;
      let asked: FeedQuery;
      try {
        asked = query();
      } catch {
        return undefined; // the ordinary path answers 400, after the session check
      }
      const body = hotFeedBody(guess, asked);
      if (body === undefined) return undefined;
      served = { actor: guess, query: asked, body };
      return { actor: guess, entry: JSON.stringify(auditEntry(guess, feedReadInput(guess, asked, ip))) };
    },
    /** The answer, once the guard reported the entry appended. */
    body(): string | Buffer {
      if (!served) throw new Error("hotFeedRead: nothing was prepaid");
      recordHotRead(served.actor, served.query);
      return served.body;
    },
  };
}

/**
 * Everything a hot feed read pays besides the read itself, for the benchmark's guarded floor
 * (app/api/bench/floor, BENCH_MODE only): the session check, its budget and an audit entry, prepaid in the
 * same one Redis round trip once the session is known (as `hotFeedRead`). The entry says what it is.
 */
export async function guardWithoutReading(request: Request, ip: string): Promise<void> {
  const input: AuditInput = { action: "events.read", ip, details: { benchFloor: true } };
  const { actor, audited } = await authorizePrepaidRead(request, (guess) => ({ actor: guess, entry: JSON.stringify(auditEntry(guess, input)) }));
  if (!audited) await recordAudit(actor, input);
}
