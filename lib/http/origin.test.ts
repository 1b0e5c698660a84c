import { describe, expect, it } from "vitest";
import { env } from "@/lib/env";
import { assertSameOrigin, crossSiteReason } from "./origin";

const own = new URL(env().NEXTAUTH_URL);
const h = (headers: Record<string, string>) => new Headers(headers);

describe("Origin check (CSRF)", () => {
  it("accepts our own origin, by NEXTAUTH_URL's host", () => {
    expect(crossSiteReason(h({ origin: own.origin }))).toBeNull();
    expect(crossSiteReason(h({ origin: own.origin.toUpperCase() }))).toBeNull();
  });

  it("refuses a foreign origin, a look-alike, another port and the literal null", () => {
    expect(crossSiteReason(h({ origin: "https://evil.example" }))).toBe("foreign Origin");
    expect(crossSiteReason(h({ origin: `${own.protocol}//${own.hostname}.evil.example:${own.port}` }))).toBe("foreign Origin");
    expect(crossSiteReason(h({ origin: `${own.protocol}//${own.hostname}:${Number(own.port || 80) + 1}` }))).toBe("foreign Origin");
    expect(crossSiteReason(h({ origin: "null" }))).toBe("Origin null");
    expect(crossSiteReason(h({ origin: "not a url" }))).toBe("foreign Origin");
    expect(() => assertSameOrigin(h({ origin: "null" }))).toThrowError(expect.objectContaining({ code: "forbidden" }));
  });

  it("without Origin, judges by Referer, then by Fetch Metadata", () => {
    expect(crossSiteReason(h({ referer: `${own.origin}/calendar` }))).toBeNull();
    expect(crossSiteReason(h({ referer: "https://evil.example/page" }))).toBe("foreign Referer");
    expect(crossSiteReason(h({ "sec-fetch-site": "cross-site" }))).toBe("Sec-Fetch-Site cross-site");
    expect(crossSiteReason(h({ "sec-fetch-site": "same-site" }))).toBe("Sec-Fetch-Site same-site");
    expect(crossSiteReason(h({ "sec-fetch-site": "same-origin" }))).toBeNull();
  });

  it("lets non-browser clients (no Origin, Referer or Fetch Metadata) through, except where an Origin is required", () => {
    expect(crossSiteReason(h({}))).toBeNull();
    expect(crossSiteReason(h({}), { requireOrigin: true })).toBe("missing Origin");
  });
});
