import "server-only";
import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import { recordAudit } from "@/lib/audit/record";
import { db } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { AppError, badRequest, forbidden, notFound } from "@/lib/errors";
import { limiters } from "@/lib/rate-limit/limiters";
import type { Actor, Role } from "./actor";
import { hashPassword, INVITED_PASSWORD_HASH, verifyPassword } from "./passwords";
import { listUserSessions, revokeSessionByHandle, revokeUserSessions, type SessionSummary } from "./session-store";

/** ASVS 2.1: at least 12 characters, at most 128, anything printable; no composition rules. */
export const newPasswordSchema = z
  .string()
  .min(12, "must be at least 12 characters")
  .max(128, "must be at most 128 characters");

/**
 * Changes the actor's own password. The current one is required (and counts against the account's login
 * budget when wrong, so this form is no side door for guessing). Every session of the user ends, this one
 * included: the user signs in again with the new password.
 */
export async function changeOwnPassword(
  actor: Actor,
  input: { currentPassword: string; newPassword: string },
  ip: string,
): Promise<void> {
  const parsed = newPasswordSchema.safeParse(input.newPassword);
  if (!parsed.success) throw badRequest(`New password ${parsed.error.issues[0]?.message ?? "is not valid"}`);
  const [row] = await db()
    .select({ email: users.email, passwordHash: users.passwordHash })
    .from(users)
    .where(and(eq(users.id, actor.userId), eq(users.orgId, actor.orgId)))
    .limit(1);
  if (!row) throw notFound("User");
  await limiters().reserveLoginAttempt(row.email, ip);
  if (!(await verifyPassword(row.passwordHash, input.currentPassword))) {
    throw new AppError("bad_request", "The current password is not correct");
  }
  await limiters().loginSucceeded(row.email, ip);
  if (input.currentPassword === parsed.data) throw badRequest("The new password must differ from the current one");
  await db()
    .update(users)
    .set({ passwordHash: await hashPassword(parsed.data) })
    .where(and(eq(users.id, actor.userId), eq(users.orgId, actor.orgId)));
  await revokeUserSessions(actor.userId);
  await recordAudit(actor, { action: "password.change", subjectUserId: actor.userId, ip });
}

export interface OrgUser {
  id: string;
  name: string;
  email: string;
  role: Role;
  disabled: boolean;
  /** Invited, and no password set yet. */
  invited: boolean;
}

function requireAdmin(actor: Actor): void {
  if (actor.role !== "admin") throw forbidden();
}

const userId = z.uuid({ message: "must be a user id (UUID)" });

/** A user of the admin's own organisation; another organisation's (or a malformed) id is "not found". */
export async function findOrgUser(actor: Actor, id: string): Promise<OrgUser> {
  requireAdmin(actor);
  if (!userId.safeParse(id).success) throw notFound("User");
  const [row] = await db()
    .select({ id: users.id, name: users.name, email: users.email, role: users.role, disabledAt: users.disabledAt, passwordHash: users.passwordHash })
    .from(users)
    .where(and(eq(users.id, id), eq(users.orgId, actor.orgId)))
    .limit(1);
  if (!row) throw notFound("User");
  return { id: row.id, name: row.name, email: row.email, role: row.role, disabled: row.disabledAt !== null, invited: row.passwordHash === INVITED_PASSWORD_HASH };
}

export async function listOrgUsers(actor: Actor): Promise<OrgUser[]> {
  requireAdmin(actor);
  const rows = await db()
    .select({ id: users.id, name: users.name, email: users.email, role: users.role, disabledAt: users.disabledAt, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.orgId, actor.orgId))
    .orderBy(asc(users.role), asc(users.name));
  return rows.map((r) => ({ id: r.id, name: r.name, email: r.email, role: r.role, disabled: r.disabledAt !== null, invited: r.passwordHash === INVITED_PASSWORD_HASH }));
}

export async function listSessionsOf(actor: Actor, id: string): Promise<SessionSummary[]> {
  const user = await findOrgUser(actor, id);
  return listUserSessions(user.id);
}

/** Ends one session (by its handle) or all sessions of a user of the admin's organisation. */
export async function revokeSessionsOf(actor: Actor, id: string, handle: string | null, ip: string): Promise<number> {
  const user = await findOrgUser(actor, id);
  let revoked: number;
  if (handle === null) {
    revoked = await revokeUserSessions(user.id);
  } else {
    if (!(await revokeSessionByHandle(user.id, handle))) throw notFound("Session");
    revoked = 1;
  }
  await recordAudit(actor, { action: "sessions.revoke", subjectUserId: user.id, ip, details: { count: revoked, one: handle !== null } });
  return revoked;
}

/** Disables (every session ends, sign-in refused) or re-enables a user of the admin's organisation. */
export async function setUserDisabled(actor: Actor, id: string, disabled: boolean, ip: string): Promise<void> {
  const user = await findOrgUser(actor, id);
  if (user.id === actor.userId && disabled) throw badRequest("You cannot disable your own account");
  await db()
    .update(users)
    .set({ disabledAt: disabled ? new Date() : null })
    .where(and(eq(users.id, user.id), eq(users.orgId, actor.orgId)));
  // After the commit, so sign-ins from now on are refused; the sessions made before end here.
  if (disabled) await revokeUserSessions(user.id);
  await recordAudit(actor, { action: disabled ? "user.disable" : "user.enable", subjectUserId: user.id, ip });
}

