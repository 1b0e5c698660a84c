import "server-only";
import nodemailer from "nodemailer";
import { logger } from "@/lib/logger";

/** One e-mail, fully composed; `logAs` is what the log may say about it (ids only, never its content). */
export interface OutgoingMail {
  to: string;
  fromName: string;
  fromAddress: string;
  subject: string;
  text: string;
  messageId: string;
  /** The Date header: the reminder's due time, so a re-sent copy is the same message in every header. */
  date: Date;
  ics?: { filename: string; content: string };
  logAs: Record<string, string | number>;
}

export interface Mailer {
  readonly kind: "smtp" | "log";
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/** A refusal that no retry will change (an SMTP 5xx: unknown mailbox, rejected sender, failed auth). */
export function isPermanentFailure(error: unknown): boolean {
  const code = (error as { responseCode?: unknown }).responseCode;
  return typeof code === "number" && code >= 500 && code < 600;
}

/**
 * What the ledger and the dead-letter stream may keep of an error: SMTP replies often quote the
 * recipient's address, which does not belong in an admin list or a log.
 */
export function describeFailure(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/[^\s<>"']+@[^\s<>"']+/g, "<address>").slice(0, 300);
}

function smtpOptions(url: string, timeoutMs: number, connections: number) {
  const parsed = new URL(url);
  const secure = parsed.protocol === "smtps:";
  return {
    pool: true as const,
    maxConnections: connections,
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
    secure,
    auth: parsed.username ? { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) } : undefined,
    // Bounded so that a hanging server fails the attempt well within the worker's lease on the reminder.
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  };
}

/** SMTP when a URL is configured; otherwise reminders are written to the log (ids and times, no patient data). */
export function createMailer(options: { smtpUrl: string | null; timeoutMs: number; connections?: number }): Mailer {
  if (!options.smtpUrl) {
    return {
      kind: "log",
      async send(mail) {
        logger().info({ ...mail.logAs, messageId: mail.messageId }, "reminder due (SMTP_URL is not set: logged, not e-mailed)");
      },
      close() {},
    };
  }
  const transport = nodemailer.createTransport(smtpOptions(options.smtpUrl, options.timeoutMs, options.connections ?? 2));
  return {
    kind: "smtp",
    async send(mail) {
      await transport.sendMail({
        from: { name: mail.fromName, address: mail.fromAddress },
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId: mail.messageId,
        date: mail.date,
        headers: { "Auto-Submitted": "auto-generated" },
        attachments: mail.ics
          ? [{ filename: mail.ics.filename, content: mail.ics.content, contentType: "text/calendar; charset=utf-8; method=PUBLISH" }]
          : [],
      });
    },
    close() {
      transport.close();
    },
  };
}
