"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { acceptInvite } from "@/lib/auth/invites";
import { assertSameOrigin } from "@/lib/http/origin";
import { clientIp } from "@/lib/http/client-ip";
import { AppError } from "@/lib/errors";
import { formText } from "@/lib/http/form-action";

/**
 * Sets the password of an invitation or reset link (no session: the one-time token is the credential),
 * then sends the user to sign in. Origin-checked like every action.
 */
export async function acceptInviteAction(form: FormData): Promise<void> {
  const token = formText(form, "token");
  const page = `/invite/${encodeURIComponent(token)}`;
  try {
    const requestHeaders = await headers();
    assertSameOrigin(requestHeaders, { requireOrigin: true });
    await acceptInvite({ token, password: formText(form, "password"), confirm: formText(form, "confirm") }, clientIp(requestHeaders));
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    redirect(`${page}?error=${encodeURIComponent(error.message)}`);
  }
  redirect("/login?passwordSet=1");
}
