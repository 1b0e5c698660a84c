import Link from "next/link";
import { notFound } from "next/navigation";
import { AppHeader } from "@/components/AppHeader";
import { FlashMessages } from "@/components/admin/FlashMessages";
import { InviteLinkButton } from "@/components/admin/InviteLinkButton";
import { PatientForm } from "@/components/admin/PatientForm";
import { describeActor } from "@/lib/auth/describe-actor";
import { requirePageActor } from "@/lib/auth/require-page-actor";
import { AppError } from "@/lib/errors";
import { getOrgSettings } from "@/lib/org/settings";
import { findPatientForAdmin, upcomingAppointments } from "@/lib/patients/admin-patients";
import { archivePatientAction, setPatientLoginAction, updatePatientAction } from "../actions";

export const dynamic = "force-dynamic";

const LOGIN_LABEL = { none: "No login", invited: "Invited (no password set yet)", active: "Active", disabled: "Disabled" } as const;
const when = (iso: string, allDay: boolean) => (allDay ? iso.slice(0, 10) : iso.slice(0, 16).replace("T", " "));

/** One patient: details (editable by admins), upcoming appointments, login, archive. */
export default async function PatientPage({ params, searchParams }: { params: Promise<{ patientId: string }>; searchParams: Promise<{ notice?: string; error?: string }> }) {
  const actor = await requirePageActor(["admin", "staff"]);
  const [{ patientId }, flash] = await Promise.all([params, searchParams]);
  const patient = await findPatientForAdmin(actor, patientId).catch((error: unknown) => {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  });
  const [{ userName, orgName }, upcoming, settings] = await Promise.all([
    describeActor(actor),
    upcomingAppointments(actor, patient.id),
    getOrgSettings(actor.orgId),
  ]);
  const isAdmin = actor.role === "admin";
  return (
    <>
      <AppHeader title={`${orgName} — ${patient.name}`} subtitle={`${userName} (${actor.role})`} role={actor.role} current="/patients" />
      <main className="admin-page">
        <p>
          <Link href="/patients">← All patients</Link>
        </p>
        <FlashMessages notice={flash.notice} error={flash.error} />
        {patient.archived ? <p className="notice" role="status">This patient is archived.</p> : null}
        <div className="admin-columns">
          <section aria-labelledby="details">
            <h2 id="details">Details</h2>
            <PatientForm action={updatePatientAction} patient={patient} palette={settings.palette} readOnly={!isAdmin} />
          </section>
          <section aria-labelledby="upcoming">
            <h2 id="upcoming">Upcoming appointments</h2>
            {upcoming.length === 0 ? (
              <p>None.</p>
            ) : (
              <table className="data" aria-label="Upcoming appointments">
                <thead>
                  <tr>
                    <th scope="col">When ({actor.timeZone})</th>
                    <th scope="col">Appointment</th>
                  </tr>
                </thead>
                <tbody>
                  {upcoming.map((o) => (
                    <tr key={`${o.eventId}-${o.start}`}>
                      <td>{when(o.start, o.allDay)}</td>
                      <td>{o.title}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {isAdmin ? (
              <>
                <h2 id="login">Login to their calendar</h2>
                <p>
                  {LOGIN_LABEL[patient.login]}
                  {patient.loginEmail ? ` · signs in as ${patient.loginEmail}` : ""}
                </p>
                {patient.archived ? null : patient.login === "none" ? (
                  <InviteLinkButton
                    endpoint={`/api/admin/patients/${patient.id}/login`}
                    label="Invite to their calendar"
                    fields={[{ name: "email", label: "Sign-in e-mail", type: "email", defaultValue: patient.email ?? "", required: true }]}
                  />
                ) : (
                  <>
                    <InviteLinkButton endpoint={`/api/admin/patients/${patient.id}/login/reset`} label="Reset login" danger />
                    <form action={setPatientLoginAction} className="action-form">
                      <input type="hidden" name="patientId" value={patient.id} />
                      <input type="hidden" name="disabled" value={patient.login === "disabled" ? "0" : "1"} />
                      <button type="submit" className={patient.login === "disabled" ? undefined : "danger"}>
                        {patient.login === "disabled" ? "Enable login" : "Disable login"}
                      </button>
                    </form>
                  </>
                )}
                <h2 id="archive">Archive</h2>
                <p>Archived patients leave the pickers and cohort calendars; their history stays.</p>
                <form action={archivePatientAction} className="action-form">
                  <input type="hidden" name="patientId" value={patient.id} />
                  <input type="hidden" name="archived" value={patient.archived ? "0" : "1"} />
                  <button type="submit" className={patient.archived ? undefined : "danger"}>
                    {patient.archived ? "Restore patient" : "Archive patient"}
                  </button>
                </form>
              </>
            ) : null}
          </section>
        </div>
      </main>
    </>
  );
}
