import { describe, expect, it } from "vitest";
import { encode } from "next-auth/jwt";
import { env } from "@/lib/env";
import { sessionCookieName, sessionIdFromCookie } from "./session-cookie";

const requestWith = (cookie: string) => new Request("http://localhost/api/events", { headers: { cookie } });

describe("session id from a request's Cookie header", () => {
  it("reads next-auth's token among other cookies, whole or split into numbered parts", async () => {
    const sid = "session-id-from-the-header";
    const token = await encode({ token: { sid }, secret: env().NEXTAUTH_SECRET });
    const name = sessionCookieName();
    expect(await sessionIdFromCookie(requestWith(`theme=dark; ${name}=${token}; other=1`))).toBe(sid);
    const half = Math.floor(token.length / 2);
    expect(await sessionIdFromCookie(requestWith(`${name}.1=${token.slice(half)};${name}.0=${token.slice(0, half)}`))).toBe(sid);
  });

  it("answers null without the cookie, for a forged token or an undecodable value", async () => {
    const name = sessionCookieName();
    expect(await sessionIdFromCookie(requestWith("theme=dark"))).toBeNull();
    expect(await sessionIdFromCookie(requestWith(`${name}=not-a-token`))).toBeNull();
    expect(await sessionIdFromCookie(requestWith(`${name}=%E0%A4%A`))).toBeNull();
  });
});
