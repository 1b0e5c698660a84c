import { NextResponse, type NextRequest } from "next/server";
import { pageContentSecurityPolicy } from "@/lib/security/headers";

/**
 * Gives every page a fresh CSP nonce: Next.js reads the policy from the request headers and puts the nonce
 * on its own inline and bundle scripts. Only headers happen here; it is no gate (every page, action and
 * handler authorises itself).
 */
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const https = request.headers.get("x-forwarded-proto") === "https" || request.nextUrl.protocol === "https:";
  const policy = pageContentSecurityPolicy(nonce, { dev: process.env.NODE_ENV === "development", https });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

export const config = {
  // Pages (and the server actions posted to them); the API gets its fixed policy from next.config.mjs.
  matcher: ["/((?!api/|_next/static/|_next/image|favicon.ico).*)"],
};
