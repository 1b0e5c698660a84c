import "server-only";
import { headers } from "next/headers";
import { assertSameOrigin } from "@/lib/http/origin";
import { forbidden, unauthorized } from "@/lib/errors";
import { apiBudget, apiBudgetSpent } from "@/lib/rate-limit/limiters";
import type { Actor, Role } from "./actor";
import type { PrepaidAudit } from "./session-check";
import { sessionIdFromCookie } from "./session-cookie";
import { readSessionSpending } from "./session-store";

export interface AuthorizeOptions {
  /**
   * The request changes data: refuse it unless it comes from our own origin (CSRF). Defaults to true for
   * every method but GET, HEAD and OPTIONS.
   */
  mutation?: boolean;
  /** Roles allowed to call; others get 403. Defaults to every role (patients are then scoped by the data layer). */
  roles?: readonly Role[];
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The guard every route handler calls first:
 *
 *   const actor = await authorizeRequest(request, { mutation: true, roles: ["admin", "staff"] });
 *
 * In order: (1) for state-changing requests, the Origin check (403 `forbidden` for a foreign or `null`
 * Origin); (2) the session, read from Redis and slid (401 `unauthorized`; 503 `unavailable` when the session
 * store cannot be asked: no patient data without a verified session); (3) the role (403); (4) the user's API
 * budget, API_RATE_LIMIT_PER_MINUTE (429 `rate_limited` with Retry-After). Errors are AppErrors, so
 * `handle()` turns them into the contract's JSON. It does not scope data: pass the returned actor to the
 * lib functions, which scope every query by organisation (and by patient for patients).
 */
export async function authorizeRequest(request: Request, options: AuthorizeOptions = {}): Promise<Actor> {
  const mutation = options.mutation ?? !SAFE_METHODS.has(request.method.toUpperCase());
  if (mutation) assertSameOrigin(request.headers);
  return (await checkSession(request, options.roles)).actor;
}

/**
 * The same guard for server actions (which are always POSTs that change something): the Origin must be
 * present and our own, then session, role and the user's budget as `authorizeRequest`. Next.js also
 * compares Origin with Host for actions; this check holds even behind proxies that rewrite Host.
 */
export async function authorizeAction(options: { roles?: readonly Role[] } = {}): Promise<Actor> {
  assertSameOrigin(await headers(), { requireOrigin: true });
  return (await checkSession(undefined, options.roles)).actor;
}

/**
 * `authorizeRequest` for a read that may be answered from memory and audited in the session check's round
 * trip: `prepay` gets the actor this session was last verified as (a guess, never trusted: the script
 * appends the entry only if the session still is that actor and the request is within budget) and returns
 * the entry to append, or nothing. `audited` says whether it was appended.
 */
export async function authorizePrepaidRead(
  request: Request,
  prepay: (guess: Actor) => PrepaidAudit | undefined,
): Promise<{ actor: Actor; audited: boolean }> {
  if (!SAFE_METHODS.has(request.method.toUpperCase())) assertSameOrigin(request.headers);
  return checkSession(request, undefined, prepay);
}

/** The actor each session id was last verified as, for `prepay`'s guess (bounded; a miss costs nothing). */
const MAX_RECENT = 10_000;
const globalForGuard = globalThis as unknown as { cohortRecentActors?: Map<string, Actor> };
const recentActors = () => (globalForGuard.cohortRecentActors ??= new Map());

/** Session, its idle slide and one request of the user's budget (and a prepaid audit entry): one Redis round trip (one script). */
async function checkSession(
  request: Request | undefined,
  roles: readonly Role[] | undefined,
  prepay?: (guess: Actor) => PrepaidAudit | undefined,
): Promise<{ actor: Actor; audited: boolean }> {
  const sessionId = await sessionIdFromCookie(request);
  const guess = sessionId && prepay ? recentActors().get(sessionId) : undefined;
  const audit = guess ? prepay!(guess) : undefined;
  const session = sessionId ? await readSessionSpending(sessionId, apiBudget(), undefined, audit) : null;
  if (!session) {
    if (sessionId) recentActors().delete(sessionId);
    throw unauthorized();
  }
  // The role is known only from the record the script read: a refused role has spent its point too.
  if (roles && !roles.includes(session.actor.role)) throw forbidden();
  if (session.verdict.refusedForMs !== null) throw apiBudgetSpent(session.verdict.refusedForMs);
  const recent = recentActors();
  if (!recent.has(sessionId!) && recent.size >= MAX_RECENT) recent.clear();
  recent.set(sessionId!, session.actor);
  return { actor: session.actor, audited: session.audited };
}
