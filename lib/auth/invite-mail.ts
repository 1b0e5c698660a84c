import "server-only";
import { randomUUID } from "node:crypto";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { createMailer } from "@/lib/reminders/mailer";

export interface InviteMail {
  to: string;
  userId: string;
  orgName: string;
  url: string;
  expiresAt: Date;
  kind: "invite" | "reset";
}

/**
 * Sends the link by e-mail when SMTP_URL is set (the same transport as reminders); otherwise logs it
 * with the user's id only, for the admin who shares it by hand. Returns whether it was e-mailed. A mail
 * server that refuses or is away does not undo the invitation: the admin still sees the link.
 */
export async function sendInviteMail(mail: InviteMail): Promise<boolean> {
  const smtpUrl = env().SMTP_URL ?? null;
  if (!smtpUrl) {
    logger().info({ userId: mail.userId, inviteUrl: mail.url, kind: mail.kind }, "invitation link (SMTP_URL is not set: logged, not e-mailed)");
    return false;
  }
  const mailer = createMailer({ smtpUrl, timeoutMs: 10_000, connections: 1 });
  const until = mail.expiresAt.toUTCString();
  try {
    await mailer.send({
      to: mail.to,
      fromName: mail.orgName,
      fromAddress: env().SMTP_FROM,
      subject: mail.kind === "reset" ? `Set a new password for ${mail.orgName}` : `Your invitation to ${mail.orgName}`,
      text:
        (mail.kind === "reset"
          ? `An administrator of ${mail.orgName} reset your password. Choose a new one here:\n\n`
          : `${mail.orgName} invites you to its calendar. Choose your password here:\n\n`) +
        `${mail.url}\n\nThe link works once, until ${until}.\n`,
      messageId: `<${randomUUID()}@${env().SMTP_FROM.split("@")[1]}>`,
      date: new Date(),
      logAs: { userId: mail.userId, kind: mail.kind },
    });
    return true;
  } catch (error) {
    logger().warn({ err: { message: error instanceof Error ? error.message : String(error) }, userId: mail.userId }, "invitation e-mail not sent");
    return false;
  } finally {
    mailer.close();
  }
}
