"use server";

import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { revokeSessionsOf, setUserDisabled } from "@/lib/auth/accounts";
import { authorizeAction } from "@/lib/auth/authorize";
import { clientIp } from "@/lib/http/client-ip";
import { runAction, type ActionState } from "@/lib/http/action-state";
import { runFormAction } from "@/lib/http/form-action";
import { changeStaffRole } from "@/lib/staff/staff";

const field = (form: FormData, name: string) => String(form.get(name) ?? "");

/** Admins only, own organisation only: another organisation's user id is "not found". */
export async function setUserDisabledAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const actor = await authorizeAction({ roles: ["admin"] });
    const disabled = field(form, "disabled") === "1";
    await setUserDisabled(actor, field(form, "userId"), disabled, clientIp(await headers()));
    revalidatePath("/admin/users", "layout");
    return disabled ? "Account disabled; its sessions have ended" : "Account enabled";
  });
}

/** Ends one session (`handle`) or, without one, every session of the user. */
export async function revokeSessionsAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const actor = await authorizeAction({ roles: ["admin"] });
    const handle = field(form, "handle") || null;
    const count = await revokeSessionsOf(actor, field(form, "userId"), handle, clientIp(await headers()));
    revalidatePath("/admin/users", "layout");
    return handle ? "Session ended" : `${count} session${count === 1 ? "" : "s"} ended`;
  });
}

/** Staff ↔ admin (a plain form: works without JavaScript); the user's sessions end. */
export async function changeRoleAction(form: FormData): Promise<void> {
  const userId = field(form, "userId");
  await runFormAction(`/admin/users/${encodeURIComponent(userId)}`, async () => {
    await changeStaffRole(await authorizeAction({ roles: ["admin"] }), { userId, role: field(form, "role") }, clientIp(await headers()));
    return { notice: "Role changed; their sessions have ended" };
  });
}
