import "server-only";
import type { AuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { env } from "@/lib/env";
import { ttl } from "@/lib/redis/keys";
import { createSession, deleteSession } from "./session-store";
import { verifyCredentials } from "./verify-credentials";

const credentialsSchema = z.object({
  email: z.string().trim().email().max(320),
  password: z.string().min(1).max(1024),
});

/**
 * next-auth's credentials provider only works with JWT sessions, so the JWT carries nothing but an
 * opaque session id; the session itself lives in Redis and is checked on every request (getActor).
 */
export function authOptions(): AuthOptions {
  return {
    secret: env().NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: ttl.sessionAbsoluteSeconds },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials) {
          const parsed = credentialsSchema.safeParse(credentials);
          if (!parsed.success) return null;
          const actor = await verifyCredentials(parsed.data.email, parsed.data.password);
          if (!actor) return null;
          const sessionId = await createSession(actor);
          return { id: sessionId };
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
