import NextAuth from "next-auth";
import { guardAuthRoute } from "@/lib/auth/auth-route";
import { authOptions } from "@/lib/auth/options";

type Context = { params: Promise<{ nextauth: string[] }> };

// Options are built per request: they read validated configuration, which is absent at build time.
// The guard adds login throttling, the Origin check and session-id rotation around next-auth.
const handler = guardAuthRoute((request: Request, context: Context) => NextAuth(request as never, context, authOptions()));

export { handler as GET, handler as POST };
