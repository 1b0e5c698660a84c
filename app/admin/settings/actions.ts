"use server";

import { headers } from "next/headers";
import { authorizeAction } from "@/lib/auth/authorize";
import { clientIp } from "@/lib/http/client-ip";
import { formText, runFormAction } from "@/lib/http/form-action";
import { updateOrgSettings } from "@/lib/org/settings";

/** The admin's own organisation's settings (no ids: the organisation is the actor's). */
export async function saveSettingsAction(form: FormData): Promise<void> {
  await runFormAction("/admin/settings", async () => {
    const actor = await authorizeAction({ roles: ["admin"] });
    await updateOrgSettings(
      actor,
      {
        name: formText(form, "name"),
        timeZone: formText(form, "timeZone"),
        weekStart: formText(form, "weekStart"),
        workdayStart: formText(form, "workdayStart"),
        workdayEnd: formText(form, "workdayEnd"),
        workDays: form.getAll("workDays").map(String),
        palette: formText(form, "palette").split(/[\s,]+/).filter(Boolean),
      },
      clientIp(await headers()),
    );
    return { notice: "Settings saved" };
  });
}
