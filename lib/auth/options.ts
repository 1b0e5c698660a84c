import "server-only";
import type { AuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { env } from "@/lib/env";
import { ttl } from "@/lib/redis/keys";
import { clientIp } from "@/lib/http/client-ip";
import { logger } from "@/lib/logger";
import { LOGIN_UNAVAILABLE } from "./auth-route";
import { verifyPassword } from "./passwords";
import { createSession, deleteSession } from "./session-store";
import { verifyCredentials } from "./verify-credentials";

const credentialsSchema = z.object({
  email: z.string().trim().email().max(320),
  password: z.string().min(1).max(1024),
});

/**
 * next-auth's credentials provider only works with JWT sessions, so the JWT carries nothing but an
 * opaque session id; the session itself lives in Redis and is checked on every request (authorizeRequest, findActor).
 */
export function authOptions(): AuthOptions {
  return {
    secret: env().NEXTAUTH_SECRET,
    // Cookies are HttpOnly and SameSite=Lax (next-auth's defaults), and Secure (with the __Secure- prefix)
    // whenever the app is served over https.
    useSecureCookies: env().NEXTAUTH_URL.startsWith("https://"),
    session: { strategy: "jwt", maxAge: ttl.sessionAbsoluteSeconds },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          const parsed = credentialsSchema.safeParse(credentials);
          if (!parsed.success) {
            // Same work as a wrong password, so a malformed e-mail answers in the same time.
            await verifyPassword(null, credentials?.password ?? "");
            return null;
          }
          try {
            const actor = await verifyCredentials(parsed.data.email, parsed.data.password);
            if (!actor) return null;
            const headers = req.headers ?? {};
            const sessionId = await createSession(actor, Date.now(), {
              ip: clientIp(headers),
              userAgent: typeof headers["user-agent"] === "string" ? headers["user-agent"] : null,
            });
            return { id: sessionId };
          } catch (error) {
            // A store that is down is not a wrong password: the route guard answers 503 for this.
            logger().warn({ err: error instanceof Error ? { message: error.message } : error }, "sign-in failed");
            throw new Error(LOGIN_UNAVAILABLE);
          }
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        // On sign-in `user` is what authorize returned; afterwards only the session id travels.
        const sid = user ? user.id : token.sid;
        return { sid };
      },
      session({ session, token }) {
        return { expires: session.expires, sid: typeof token.sid === "string" ? token.sid : undefined };
      },
    },
    events: {
      async signOut({ token }) {
        if (typeof token?.sid === "string") await deleteSession(token.sid);
      },
    },
  };
}
