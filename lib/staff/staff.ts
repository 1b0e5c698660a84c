import "server-only";
import { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import { sendInviteMail } from "@/lib/auth/invite-mail";
import { issueInvite, type IssuedInvite } from "@/lib/auth/invites";
import { revokeUserSessions } from "@/lib/auth/session-store";
import { recordAudit } from "@/lib/audit/record";
import { db } from "@/lib/db/client";
import { badRequest, isUniqueViolation, notFound, parseInput } from "@/lib/errors";
import { INVITED_PASSWORD_HASH, requireAdmin } from "@/lib/patients/admin-patients";

/**
 * The organisation's staff accounts: invite (an account without a password and a one-time link to set
 * it), change role between staff and admin. Disabling is `setUserDisabled` (lib/auth/accounts).
 */
const staffRole = z.enum(["staff", "admin"], { message: "must be staff or admin" });

const inviteSchema = z.object({
  name: z.string().trim().min(1, "is required").max(200, "must be at most 200 characters"),
  email: z.string().trim().max(254).pipe(z.email("must be an e-mail address")).transform((e) => e.toLowerCase()),
  role: staffRole,
});

export interface StaffInvite extends IssuedInvite {
  userId: string;
  email: string;
  emailed: boolean;
}


export async function inviteStaff(actor: Actor, input: unknown, ip: string | null = null): Promise<StaffInvite> {
  requireAdmin(actor);
  const { name, email, role } = parseInput(inviteSchema, input);
  const { userId, invite, orgName } = await db()
    .$sql.begin(async (tx) => {
      const [user] = await tx<{ id: string; orgName: string }[]>`
        INSERT INTO users (org_id, email, name, role, password_hash)
        VALUES (${actor.orgId}, ${email}, ${name}, ${role}, ${INVITED_PASSWORD_HASH})
        RETURNING id, (SELECT name FROM organizations WHERE id = ${actor.orgId}) AS "orgName"`;
      return { userId: user!.id, orgName: user!.orgName, invite: await issueInvite(tx, actor.orgId, user!.id, actor.userId) };
    })
    .catch((error: unknown) => {
      if (isUniqueViolation(error)) throw badRequest("Another account already uses this e-mail address");
      throw error;
    });
  await recordAudit(actor, { action: "user.invite", subjectUserId: userId, ip, details: { role } });
  const emailed = await sendInviteMail({ to: email, userId, orgName, url: invite.url, expiresAt: invite.expiresAt, kind: "invite" });
  return { ...invite, userId, email, emailed };
}

const roleSchema = z.object({ userId: z.string(), role: staffRole });

/**
 * Makes a staff member an admin or an admin a staff member. Their sessions end (a session carries the
 * role it was signed in with), so the new role applies from their next sign-in. Admins cannot change
 * their own role (the organisation would risk losing its last admin); patients' logins have no role to change.
 */
export async function changeStaffRole(actor: Actor, input: unknown, ip: string | null = null): Promise<void> {
  requireAdmin(actor);
  const { userId, role } = parseInput(roleSchema, input);
  if (!z.uuid().safeParse(userId).success) throw notFound("User");
  const [user] = await db().$sql<{ role: string }[]>`
    SELECT role::text FROM users WHERE id = ${userId} AND org_id = ${actor.orgId}`;
  if (!user) throw notFound("User");
  if (user.role === "patient") throw badRequest("A patient's login has no staff role");
  if (userId === actor.userId) throw badRequest("You cannot change your own role");
  if (user.role === role) return;
  await db().$sql`UPDATE users SET role = ${role} WHERE id = ${userId} AND org_id = ${actor.orgId}`;
  await revokeUserSessions(userId);
  await recordAudit(actor, { action: "user.role", subjectUserId: userId, ip, details: { from: user.role, to: role } });
}
