import { env } from "@/lib/env";
import { forbidden } from "@/lib/errors";

type HeaderSource = Pick<Headers, "get">;

function hostOf(url: string): string | null {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return null;
  }
}

/** The reason a state-changing request is refused as cross-site, or null when it may proceed. */
export function crossSiteReason(headers: HeaderSource, { requireOrigin = false } = {}): string | null {
  const expected = hostOf(env().NEXTAUTH_URL);
  const origin = headers.get("origin");
  if (origin !== null) {
    // Sandboxed frames, data: URLs and some redirects send the literal "null": never our own pages.
    if (origin.trim() === "null") return "Origin null";
    return hostOf(origin) === expected ? null : "foreign Origin";
  }
  // Browsers send Origin with every POST, PATCH and DELETE they make; when it is missing, fall back to
  // Referer and Fetch Metadata, and otherwise accept the request as coming from a non-browser client
  // (which carries no ambient cookies an attacker could borrow).
  const referer = headers.get("referer");
  if (referer) return hostOf(referer) === expected ? null : "foreign Referer";
  const site = headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return `Sec-Fetch-Site ${site}`;
  return requireOrigin ? "missing Origin" : null;
}

/**
 * CSRF defence for handlers and actions that change data: the request must come from our own origin
 * (NEXTAUTH_URL's host). A foreign or `null` Origin gets 403.
 */
export function assertSameOrigin(headers: HeaderSource, options?: { requireOrigin?: boolean }): void {
  const reason = crossSiteReason(headers, options);
  if (reason) throw forbidden(`Cross-site request refused (${reason})`);
}
