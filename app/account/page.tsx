import { AppHeader } from "@/components/AppHeader";
import { ChangePasswordForm } from "@/components/account/ChangePasswordForm";
import { describeActor } from "@/lib/auth/describe-actor";
import { requirePageActor } from "@/lib/auth/require-page-actor";
import { changePasswordAction } from "./actions";

export const dynamic = "force-dynamic";

export default async function AccountPage() {
  const actor = await requirePageActor(["admin", "staff", "patient"]);
  const { userName, orgName } = await describeActor(actor);
  return (
    <>
      <AppHeader title="Your account" subtitle={`${userName} · ${orgName}`} role={actor.role} />
      <main>
        <ChangePasswordForm action={changePasswordAction} />
      </main>
    </>
  );
}
