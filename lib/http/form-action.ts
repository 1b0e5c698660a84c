import "server-only";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { AppError } from "@/lib/errors";

/**
 * The body of a plain form action (works without JavaScript): run the work, then redirect (303) to
 * `page` with `?notice=` (what happened) or `?error=` (a domain error's message: validation, not found,
 * forbidden). Unexpected errors propagate to Next's error page. Pages show both parameters.
 */
export async function runFormAction(page: string, work: () => Promise<{ notice: string; to?: string }>, errorPage = page): Promise<never> {
  let outcome: { notice: string; to?: string };
  try {
    outcome = await work();
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    redirect(`${errorPage}${errorPage.includes("?") ? "&" : "?"}error=${encodeURIComponent(error.message)}`);
  }
  const to = outcome.to ?? page;
  revalidatePath(to);
  redirect(`${to}${to.includes("?") ? "&" : "?"}notice=${encodeURIComponent(outcome.notice)}`);
}

export const formText = (form: FormData, name: string) => String(form.get(name) ?? "");
