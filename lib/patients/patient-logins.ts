import "server-only";
import { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import { sendInviteMail } from "@/lib/auth/invite-mail";
import { issueInvite, type IssuedInvite } from "@/lib/auth/invites";
import { revokeUserSessions } from "@/lib/auth/session-store";
import { recordAudit } from "@/lib/audit/record";
import { db } from "@/lib/db/client";
import { badRequest, isUniqueViolation, notFound, parseInput } from "@/lib/errors";
import { INVITED_PASSWORD_HASH, requireAdmin } from "./admin-patients";
import { patientIdSchema } from "./patient-input";

/**
 * A patient's login to their personal calendar (/my-calendar): invite (creates the login and a one-time
 * link to set its password), reset (the password stops working, every session ends, a new link), and
 * disable / enable (sessions end at once; sign-ins are refused). Admins of the patient's organisation only.
 */
export interface LoginInvite extends IssuedInvite {
  email: string;
  emailed: boolean;
}

const inviteSchema = z.object({
  email: z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z.string().trim().max(254).pipe(z.email("must be an e-mail address")).transform((e) => e.toLowerCase()).optional(),
  ),
});

interface PatientLoginRow {
  id: string;
  name: string;
  email: string | null;
  archived: boolean;
  orgName: string;
  userId: string | null;
  disabled: boolean;
}

async function loadPatient(actor: Actor, patientId: string): Promise<PatientLoginRow> {
  requireAdmin(actor);
  if (!patientIdSchema.safeParse(patientId).success) throw notFound("Patient");
  const [row] = await db().$sql<PatientLoginRow[]>`
    SELECT p.id, p.name, p.email, p.archived_at IS NOT NULL AS archived, o.name AS "orgName",
           u.id AS "userId", u.disabled_at IS NOT NULL AS disabled
    FROM patients p JOIN organizations o ON o.id = p.org_id LEFT JOIN users u ON u.patient_id = p.id
    WHERE p.id = ${patientId} AND p.org_id = ${actor.orgId}`;
  if (!row) throw notFound("Patient");
  return row;
}


/** Creates the patient's login (e-mail: the one given, else the patient's contact address) and its link. */
export async function invitePatientLogin(actor: Actor, patientId: string, input: unknown, ip: string | null = null): Promise<LoginInvite> {
  const patient = await loadPatient(actor, patientId);
  const { email: given } = parseInput(inviteSchema, input ?? {});
  if (patient.archived) throw badRequest("The patient is archived: restore them first");
  if (patient.userId) throw badRequest("The patient already has a login: reset it to send a new link");
  const email = given ?? patient.email;
  if (!email) throw badRequest("An e-mail address is required: the patient signs in with it");
  const sql = db().$sql;
  const { userId, invite } = await sql
    .begin(async (tx) => {
      const [user] = await tx<{ id: string }[]>`
        INSERT INTO users (org_id, email, name, role, password_hash, patient_id)
        VALUES (${actor.orgId}, ${email}, ${patient.name}, 'patient', ${INVITED_PASSWORD_HASH}, ${patient.id})
        RETURNING id`;
      return { userId: user!.id, invite: await issueInvite(tx, actor.orgId, user!.id, actor.userId) };
    })
    .catch((error: unknown) => {
      if (isUniqueViolation(error)) throw badRequest("Another account already uses this e-mail address");
      throw error;
    });
  await recordAudit(actor, { action: "login.invite", patientIds: [patient.id], subjectUserId: userId, ip });
  const emailed = await sendInviteMail({ to: email, userId, orgName: patient.orgName, url: invite.url, expiresAt: invite.expiresAt, kind: "invite" });
  return { ...invite, email, emailed };
}

/** The password stops working and every session ends; a new one-time link sets the next one. */
export async function resetPatientLogin(actor: Actor, patientId: string, ip: string | null = null): Promise<LoginInvite> {
  const patient = await loadPatient(actor, patientId);
  if (!patient.userId) throw badRequest("The patient has no login yet: invite them first");
  if (patient.archived) throw badRequest("The patient is archived: restore them first");
  const userId = patient.userId;
  const { invite, email } = await db().$sql.begin(async (tx) => {
    const [user] = await tx<{ email: string }[]>`
      UPDATE users SET password_hash = ${INVITED_PASSWORD_HASH} WHERE id = ${userId} AND org_id = ${actor.orgId} RETURNING email`;
    return { email: user!.email, invite: await issueInvite(tx, actor.orgId, userId, actor.userId) };
  });
  await revokeUserSessions(userId);
  await recordAudit(actor, { action: "login.reset", patientIds: [patient.id], subjectUserId: userId, ip });
  const emailed = await sendInviteMail({ to: email, userId, orgName: patient.orgName, url: invite.url, expiresAt: invite.expiresAt, kind: "reset" });
  return { ...invite, email, emailed };
}

/** Disables (sessions end at once, sign-ins and unused links refused) or enables the patient's login. */
export async function setPatientLoginDisabled(actor: Actor, patientId: string, disabled: boolean, ip: string | null = null): Promise<void> {
  const patient = await loadPatient(actor, patientId);
  if (!patient.userId) throw badRequest("The patient has no login");
  if (!disabled && patient.archived) throw badRequest("The patient is archived: restore them first");
  await db().$sql`
    UPDATE users SET disabled_at = CASE WHEN ${disabled}::boolean THEN coalesce(disabled_at, now()) END
    WHERE id = ${patient.userId} AND org_id = ${actor.orgId}`;
  // After the commit: sign-ins from now on are refused; the sessions made before end here.
  if (disabled) await revokeUserSessions(patient.userId);
  await recordAudit(actor, { action: disabled ? "user.disable" : "user.enable", patientIds: [patient.id], subjectUserId: patient.userId, ip });
}
