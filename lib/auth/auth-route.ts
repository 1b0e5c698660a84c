import "server-only";
import { cookies } from "next/headers";
import { getToken } from "next-auth/jwt";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { clientIp } from "@/lib/http/client-ip";
import { crossSiteReason } from "@/lib/http/origin";
import { errorResponse } from "@/lib/http/respond";
import { limiters } from "@/lib/rate-limit/limiters";
import { deleteSession } from "./session-store";

type Context = { params: Promise<{ nextauth: string[] }> };
type Handler = (request: Request, context: Context) => Promise<Response>;

/** The error `authorize()` throws when a store is down; next-auth turns it into `?error=` of its reply. */
export const LOGIN_UNAVAILABLE = "Unavailable";

/**
 * Wraps next-auth's route handler with what its credentials flow cannot express:
 * - login throttling (per account and per address, before the password is checked) answering 429 with
 *   Retry-After, and 503 when the limit store is unreachable (fails closed);
 * - the Origin check on every POST (login CSRF, sign-out CSRF) on top of next-auth's double-submit token;
 * - a new session id on every login: a session the browser already had is ended, not left behind;
 * - the session endpoint answers without the session id (the browser's scripts have no use for it).
 * Errors keep the contract's `{"error":{...}}` and add next-auth's `url` field, which its `signIn()` reads.
 */
export function guardAuthRoute(nextAuth: Handler): Handler {
  return async (request, context) => {
    try {
      const [action, provider] = (await context.params).nextauth ?? [];
      if (request.method === "POST") {
        const reason = crossSiteReason(request.headers);
        if (reason) throw new AppError("forbidden", `Cross-site request refused (${reason})`);
        if (action === "callback" && provider === "credentials") return await login(request, context, nextAuth);
      }
      const response = await nextAuth(request, context);
      return action === "session" ? withoutSessionId(response) : response;
    } catch (error) {
      return await authError(error);
    }
  };
}

async function login(request: Request, context: Context, nextAuth: Handler): Promise<Response> {
  const email = await submittedEmail(request.clone());
  const ip = clientIp(request);
  await limiters().reserveLoginAttempt(email, ip);
  const previous = await currentSessionId();
  const response = await nextAuth(request, context);
  const outcome = await loginOutcome(response);
  if (outcome === "unavailable") {
    throw new AppError("unavailable", "Sign-in is unavailable right now; try again shortly");
  }
  if (outcome === "signed-in") {
    await limiters().loginSucceeded(email, ip);
    if (previous) await deleteSession(previous);
  }
  return response;
}

async function submittedEmail(request: Request): Promise<string> {
  const type = request.headers.get("content-type") ?? "";
  try {
    if (type.includes("application/json")) {
      const body = (await request.json()) as { email?: unknown };
      return typeof body.email === "string" ? body.email : "";
    }
    const form = new URLSearchParams(await request.text());
    return form.get("email") ?? "";
  } catch {
    return "";
  }
}

/** The Redis session id in the cookie the browser already holds, if any. */
async function currentSessionId(): Promise<string | null> {
  const jar = Object.fromEntries((await cookies()).getAll().map((c) => [c.name, c.value]));
  const token = await getToken({ req: { cookies: jar, headers: {} } as never, secret: env().NEXTAUTH_SECRET });
  return typeof token?.sid === "string" ? token.sid : null;
}

async function loginOutcome(response: Response): Promise<"signed-in" | "failed" | "unavailable"> {
  const signedIn = response.headers.getSetCookie().some((c) => /session-token(\.\d+)?=[^;]/.test(c));
  if (signedIn) return "signed-in";
  const url = response.headers.get("location") ?? (await response.clone().json().catch(() => ({})) as { url?: string }).url;
  const error = url ? new URL(url, env().NEXTAUTH_URL).searchParams.get("error") : null;
  return error === LOGIN_UNAVAILABLE ? "unavailable" : "failed";
}

async function withoutSessionId(response: Response): Promise<Response> {
  if (!response.ok || !(response.headers.get("content-type") ?? "").includes("application/json")) return response;
  const body = (await response.json()) as Record<string, unknown>;
  delete body.sid;
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  return new Response(JSON.stringify(body), { status: response.status, headers });
}

async function authError(error: unknown): Promise<Response> {
  const response = errorResponse(error);
  const body = (await response.json()) as { error: { code: string } };
  const reason = { rate_limited: "RateLimited", unavailable: "Unavailable" }[body.error.code] ?? "Refused";
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  const url = `${env().NEXTAUTH_URL}/login?error=${reason}`;
  return new Response(JSON.stringify({ ...body, url }), { status: response.status, headers });
}
