import "server-only";
import { createHash, randomBytes } from "node:crypto";
import type { TransactionSql } from "postgres";
import { z } from "zod";
import { recordAudit } from "@/lib/audit/record";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { badRequest, notFound } from "@/lib/errors";
import { newPasswordSchema } from "./accounts";
import { hashPassword } from "./passwords";
import { revokeUserSessions } from "./session-store";

/**
 * One-time links that let a user set their password: a staff member's or a patient's invitation, and
 * an admin's reset. The link carries 256 random bits; only their SHA-256 is stored, so a leaked database
 * cannot sign anyone in. A link works once and for INVITE_TTL_HOURS; issuing a new one for a user
 * retires the older ones.
 */
export const INVITE_TTL_HOURS = 72;

export interface IssuedInvite {
  url: string;
  expiresAt: Date;
}

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

type Tx = TransactionSql<Record<string, unknown>>;

/** Issues a link for a user of `orgId` (the caller has checked the admin's rights), in the caller's transaction. */
export async function issueInvite(tx: Tx, orgId: string, userId: string, createdBy: string, now = new Date()): Promise<IssuedInvite> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + INVITE_TTL_HOURS * 3_600_000);
  await tx`DELETE FROM user_invites WHERE user_id = ${userId} AND used_at IS NULL`;
  await tx`
    INSERT INTO user_invites (token_hash, user_id, org_id, expires_at, created_by)
    VALUES (${hashToken(token)}, ${userId}, ${orgId}, ${expiresAt.toISOString()}, ${createdBy})`;
  return { url: `${env().NEXTAUTH_URL.replace(/\/$/, "")}/invite/${token}`, expiresAt };
}

export interface InviteView {
  email: string;
  name: string;
  orgName: string;
}

/** What the invitation page shows, or null when the link is unknown, used, expired or its account disabled. */
export async function describeInvite(token: string): Promise<InviteView | null> {
  if (!TOKEN.test(token)) return null;
  const [row] = await db().$sql<InviteView[]>`
    SELECT u.email, u.name, o.name AS "orgName"
    FROM user_invites i JOIN users u ON u.id = i.user_id JOIN organizations o ON o.id = i.org_id
    WHERE i.token_hash = ${hashToken(token)} AND i.used_at IS NULL AND i.expires_at > now() AND u.disabled_at IS NULL`;
  return row ? { ...row } : null;
}

const acceptSchema = z.object({
  token: z.string().regex(TOKEN, "The link is not valid"),
  password: newPasswordSchema,
  confirm: z.string(),
});

/**
 * Sets the password of the link's user and uses the link up (in one transaction: a link cannot be used
 * twice, even by two requests at once). Every session the user had ends. Returns the e-mail address to
 * sign in with.
 */
export async function acceptInvite(input: unknown, ip: string | null = null): Promise<string> {
  const parsed = acceptSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badRequest(issue?.path[0] === "password" ? `The password ${issue.message}` : (issue?.message ?? "Invalid input"));
  }
  const { token, password, confirm } = parsed.data;
  if (password !== confirm) throw badRequest("The two passwords do not match");
  const passwordHash = await hashPassword(password);
  const user = await db().$sql.begin(async (tx) => {
    const [row] = await tx<{ userId: string; orgId: string; role: string; email: string }[]>`
      UPDATE user_invites i SET used_at = now()
      FROM users u
      WHERE i.token_hash = ${hashToken(token)} AND i.used_at IS NULL AND i.expires_at > now()
        AND u.id = i.user_id AND u.disabled_at IS NULL
      RETURNING u.id AS "userId", u.org_id AS "orgId", u.role::text AS role, u.email`;
    if (!row) throw notFound("Invitation (it may have been used or have expired)");
    await tx`UPDATE users SET password_hash = ${passwordHash} WHERE id = ${row.userId}`;
    return row;
  });
  await revokeUserSessions(user.userId);
  await recordAudit({ userId: user.userId, orgId: user.orgId, role: user.role }, { action: "invite.accept", subjectUserId: user.userId, ip });
  return user.email;
}
