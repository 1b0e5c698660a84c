import { redirect } from "next/navigation";
import { LoginForm } from "@/components/auth/LoginForm";
import { findActor } from "@/lib/auth/get-actor";
import { homePathFor } from "@/lib/auth/home-path";

export const dynamic = "force-dynamic";

export default async function LoginPage() {
  const actor = await findActor();
  if (actor) redirect(homePathFor(actor));
  return (
    <main>
      <LoginForm />
    </main>
  );
}
