import "server-only";
import { headers } from "next/headers";
import { forbidden } from "@/lib/errors";
import { assertSameOrigin } from "@/lib/http/origin";
import { limiters } from "@/lib/rate-limit/limiters";
import type { Actor, Role } from "./actor";
import { getActor } from "./get-actor";

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
 * The guard every route handler calls first, in place of `getActor()`:
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

async function authorizeActor(roles: readonly Role[] | undefined): Promise<Actor> {
  const actor = await getActor();
  if (roles && !roles.includes(actor.role)) throw forbidden();
  await limiters().consumeApi(actor.userId);
  return actor;
}
