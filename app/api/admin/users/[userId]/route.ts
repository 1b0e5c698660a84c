import { z } from "zod";
import { findOrgUser, setUserDisabled } from "@/lib/auth/accounts";
import { authorizeRequest } from "@/lib/auth/authorize";
import { badRequest, invalidInput } from "@/lib/errors";
import { clientIp } from "@/lib/http/client-ip";
import { handle, json } from "@/lib/http/respond";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ userId: string }> };

const patchSchema = z.object({ disabled: z.boolean() }).strict();

/** A user of the admin's organisation. */
export const GET = handle<Context>(async (request, { params }) => {
  const actor = await authorizeRequest(request, { roles: ["admin"] });
  return json(await findOrgUser(actor, (await params).userId));
});

/** `{disabled: true}` disables the account and ends its sessions; `false` enables it again. */
export const PATCH = handle<Context>(async (request, { params }) => {
  const actor = await authorizeRequest(request, { roles: ["admin"] });
  const body: unknown = await request.json().catch(() => {
    throw badRequest("The body must be JSON: {disabled: boolean}");
  });
  const parsed = patchSchema.safeParse(body);
  if (!parsed.success) throw invalidInput(parsed.error);
  const { userId } = await params;
  await setUserDisabled(actor, userId, parsed.data.disabled, clientIp(request));
  return json(await findOrgUser(actor, userId));
});
