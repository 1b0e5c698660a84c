"use server";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { changeOwnPassword } from "@/lib/auth/accounts";
import { authorizeAction } from "@/lib/auth/authorize";
import { clientIp } from "@/lib/http/client-ip";
import { runAction, type ActionState } from "@/lib/http/action-state";

/** Every role may change their own password; all their sessions end, so they sign in again. */
export async function changePasswordAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  const state = await runAction(async () => {
    const actor = await authorizeAction();
    await changeOwnPassword(
      actor,
      { currentPassword: String(form.get("currentPassword") ?? ""), newPassword: String(form.get("newPassword") ?? "") },
      clientIp(await headers()),
    );
    return "Password changed";
  });
  if (state.status !== "ok") return state;
  // The session behind this cookie is gone; drop the cookie too.
  const jar = await cookies();
  for (const name of ["next-auth.session-token", "__Secure-next-auth.session-token"]) jar.delete(name);
  redirect("/login?passwordChanged=1");
}
