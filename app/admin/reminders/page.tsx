import { AppHeader } from "@/components/AppHeader";
import { describeActor } from "@/lib/auth/describe-actor";
import { requirePageActor } from "@/lib/auth/require-page-actor";
import { brokerBacklog } from "@/lib/reminders/broker";
import { ledgerSummary, listDeadLetters } from "@/lib/reminders/dead-letters";
import { agendaChoices, listAgendaSubscriptions, orgReminderMinutes } from "@/lib/reminders/settings";
import { reminderCounters } from "@/lib/reminders/stats";
import { requeueAction, saveDefaultsAction, subscribeAgendaAction, unsubscribeAgendaAction } from "./actions";

export const dynamic = "force-dynamic";

const lead = (m: number) => (m % 1440 === 0 ? `${m / 1440}d` : m % 60 === 0 ? `${m / 60}h` : `${m}m`);
const when = (iso: string) => (iso ? new Date(iso).toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }) + " UTC" : "");

/** Reminder settings, delivery health and the dead-letter stream of the admin's organisation. */
export default async function RemindersAdminPage({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  const actor = await requirePageActor(["admin"]);
  const [{ userName, orgName }, minutes, summary, choices, subscriptions, { error }] = await Promise.all([
    describeActor(actor),
    orgReminderMinutes(actor.orgId),
    ledgerSummary(actor.orgId),
    agendaChoices(actor),
    listAgendaSubscriptions(actor),
    searchParams,
  ]);
  // Redis may be away: the page still shows what Postgres knows.
  const letters = await listDeadLetters(actor).catch(() => null);
  const backlog = await brokerBacklog().catch(() => null);
  const counters = reminderCounters();

  return (
    <>
      <AppHeader title={`${orgName} — reminders`} subtitle={`${userName} (admin)`} role={actor.role} current="/admin/reminders" />
      <main className="admin-reminders">
        {error ? <p className="error" role="alert">{error}</p> : null}

        <section aria-labelledby="defaults">
          <h2 id="defaults">Default reminders</h2>
          <p>Patients with an e-mail address are reminded this long before each appointment, unless the appointment sets its own.</p>
          <form action={saveDefaultsAction}>
            <label htmlFor="minutes">Before the start (e.g. 24h, 2h, 30; empty for none)</label>{" "}
            <input id="minutes" name="minutes" defaultValue={minutes.map(lead).join(", ")} />{" "}
            <button type="submit" className="primary">Save</button>
          </form>
        </section>

        <section aria-labelledby="health">
          <h2 id="health">Delivery, last 7 days</h2>
          <table>
            <tbody>
              <tr><th scope="row">Sent</th><td>{summary.sent}</td></tr>
              <tr><th scope="row">Waiting for a retry</th><td>{summary.failed}</td></tr>
              <tr><th scope="row">Being delivered</th><td>{summary.sending}</td></tr>
              <tr><th scope="row">Undelivered (dead letters)</th><td>{summary.dead}</td></tr>
              <tr><th scope="row">Queued for delivery (all organisations)</th><td>{backlog ? backlog.stream : "Redis unavailable"}</td></tr>
              <tr><th scope="row">Delay of the last delivery (this server)</th><td>{counters.lastLagMs === null ? "–" : `${Math.round(counters.lastLagMs / 1000)} s`}</td></tr>
            </tbody>
          </table>
        </section>

        <section aria-labelledby="dead">
          <h2 id="dead">Undelivered reminders</h2>
          {letters === null ? (
            <p className="error">The message broker (Redis) is not answering; {summary.dead} undelivered reminders are on record.</p>
          ) : letters.length === 0 ? (
            <p>None.</p>
          ) : (
            <table>
              <thead>
                <tr><th>Due</th><th>Kind</th><th>Attempts</th><th>Reason</th><th>Given up</th><th /></tr>
              </thead>
              <tbody>
                {letters.map((letter) => (
                  <tr key={letter.entryId}>
                    <td>{when(letter.dueAt)}</td>
                    <td>{letter.kind === "agenda" ? "Staff agenda" : "Patient reminder"}</td>
                    <td>{letter.attempts}</td>
                    <td>{letter.reason}</td>
                    <td>{when(letter.at)}</td>
                    <td>
                      <form action={requeueAction}>
                        <input type="hidden" name="entryId" value={letter.entryId} />
                        <button type="submit">Try again</button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>

        <section aria-labelledby="agendas">
          <h2 id="agendas">Daily agendas for staff</h2>
          <p>An e-mail each morning with the day&apos;s appointments (times, titles, number of patients; no names).</p>
          {subscriptions.length ? (
            <ul>
              {subscriptions.map((s) => (
                <li key={s.userId}>
                  {s.userName}: {s.cohortName ?? "all patients"} at {s.sendAt}{" "}
                  <form action={unsubscribeAgendaAction} style={{ display: "inline" }}>
                    <input type="hidden" name="userId" value={s.userId} />
                    <button type="submit">Stop</button>
                  </form>
                </li>
              ))}
            </ul>
          ) : null}
          <form action={subscribeAgendaAction}>
            <label htmlFor="userId">Staff member</label>{" "}
            <select id="userId" name="userId" required>
              {choices.staff.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
            </select>{" "}
            <label htmlFor="cohortId">of</label>{" "}
            <select id="cohortId" name="cohortId" defaultValue="">
              <option value="">all patients</option>
              {choices.cohorts.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
            </select>{" "}
            <label htmlFor="sendAt">at</label>{" "}
            <input id="sendAt" name="sendAt" type="time" defaultValue="07:00" required />{" "}
            <button type="submit" className="primary">Send agenda</button>
          </form>
        </section>
      </main>
    </>
  );
}
