"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { authorizeAction } from "@/lib/auth/authorize";
import { AppError } from "@/lib/errors";
import { requeueDeadLetter } from "@/lib/reminders/dead-letters";
import { removeAgendaSubscription, setAgendaSubscription, setOrgReminderMinutes } from "@/lib/reminders/settings";

const PAGE = "/admin/reminders";

/** Thin: Origin, session and role (authorizeAction), then lib validates and scopes; domain errors come back to the page as a message. */
async function run(work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    redirect(`${PAGE}?error=${encodeURIComponent(error.message)}`);
  }
  revalidatePath(PAGE);
  redirect(PAGE);
}

const text = (form: FormData, name: string) => String(form.get(name) ?? "").trim();

/** "24h, 2h, 30" → [1440, 120, 30]: hours with h, days with d, plain numbers are minutes. */
function parseLeadTimes(value: string): number[] {
  if (value === "" || value.toLowerCase() === "none") return [];
  return value.split(/[\s,]+/).filter(Boolean).map((part) => {
    const match = /^(\d+(?:\.\d+)?)\s*(d|h|m|min)?$/i.exec(part);
    if (!match) return Number.NaN;
    const unit = (match[2] ?? "m").toLowerCase();
    return Math.round(Number(match[1]) * (unit === "d" ? 1440 : unit === "h" ? 60 : 1));
  });
}

export async function saveDefaultsAction(form: FormData): Promise<void> {
  await run(async () => setOrgReminderMinutes(await authorizeAction({ roles: ["admin"] }), parseLeadTimes(text(form, "minutes"))));
}

export async function requeueAction(form: FormData): Promise<void> {
  await run(async () => requeueDeadLetter(await authorizeAction({ roles: ["admin"] }), text(form, "entryId")));
}

export async function subscribeAgendaAction(form: FormData): Promise<void> {
  await run(async () =>
    setAgendaSubscription(await authorizeAction({ roles: ["admin"] }), {
      userId: text(form, "userId"),
      cohortId: text(form, "cohortId") || null,
      sendAt: text(form, "sendAt") || "07:00",
    }),
  );
}

export async function unsubscribeAgendaAction(form: FormData): Promise<void> {
  await run(async () => removeAgendaSubscription(await authorizeAction({ roles: ["admin"] }), text(form, "userId")));
}
