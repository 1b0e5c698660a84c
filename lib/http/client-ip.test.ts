import { describe, expect, it } from "vitest";
import { clientIp } from "./client-ip";

describe("client address", () => {
  it("takes the entry the nearest proxy appended (one trusted hop by default), not the client's own claims", () => {
    expect(clientIp(new Headers({ "x-forwarded-for": "203.0.113.7" }))).toBe("203.0.113.7");
    expect(clientIp(new Headers({ "x-forwarded-for": "6.6.6.6, 203.0.113.7" }))).toBe("203.0.113.7");
    expect(clientIp({ "x-forwarded-for": "6.6.6.6,198.51.100.2" })).toBe("198.51.100.2");
  });

  it("normalises IPv4-mapped IPv6 and has a value without any header", () => {
    expect(clientIp(new Headers({ "x-forwarded-for": "::ffff:127.0.0.1" }))).toBe("127.0.0.1");
    expect(clientIp(new Headers({ "x-forwarded-for": "::1" }))).toBe("::1");
    expect(clientIp(new Headers())).toBe("unknown");
  });
});
