import "server-only";
import { headers } from "next/headers";
import { assertSameOrigin } from "@/lib/http/origin";
import { forbidden, unauthorized } from "@/lib/errors";
import { apiBudget, apiBudgetSpent } from "@/lib/rate-limit/limiters";
import type { Actor, Role } from "./actor";
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
  return authorizeActor(options.roles);
}

/**
 * The same guard for server actions (which are always POSTs that change something): the Origin must be
 * present and our own, then session, role and the user's budget as `authorizeRequest`. Next.js also
 * compares Origin with Host for actions; this check holds even behind proxies that rewrite Host.
 */
export async function authorizeAction(options: { roles?: readonly Role[] } = {}): Promise<Actor> {
  assertSameOrigin(await headers(), { requireOrigin: true });
  return authorizeActor(options.roles);
}

/** Session, its idle slide and one request of the user's budget: one Redis round trip (one script). */
async function authorizeActor(roles: readonly Role[] | undefined): Promise<Actor> {
  const sessionId = await sessionIdFromCookie();
  const session = sessionId ? await readSessionSpending(sessionId, apiBudget()) : null;
  if (!session) throw unauthorized();
  // The role is known only from the record the script read: a refused role has spent its point too.
  if (roles && !roles.includes(session.actor.role)) throw forbidden();
  if (session.verdict.refusedForMs !== null) throw apiBudgetSpent(session.verdict.refusedForMs);
  return session.actor;
}
