import { redirect } from "next/navigation";
import { LoginForm } from "@/components/auth/LoginForm";
import { findActor } from "@/lib/auth/get-actor";
import { homePathFor } from "@/lib/auth/home-path";

export const dynamic = "force-dynamic";

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ passwordChanged?: string; passwordSet?: string }> }) {
  const actor = await findActor();
  if (actor) redirect(homePathFor(actor));
  const { passwordChanged, passwordSet } = await searchParams;
  return (
    <main>
      <LoginForm
        notice={
          passwordChanged
            ? "Your password was changed and every session ended. Sign in with the new password."
            : passwordSet
              ? "Your password is set. Sign in with your e-mail address and the new password."
              : undefined
        }
      />
    </main>
  );
}
