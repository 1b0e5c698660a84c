import { headers } from "next/headers";
import { AppHeader } from "@/components/AppHeader";
import { recordAudit } from "@/lib/audit/record";
import { describeActor } from "@/lib/auth/describe-actor";
import { requirePageActor } from "@/lib/auth/require-page-actor";
import { listCohorts } from "@/lib/cohorts/cohorts";
import { AppError } from "@/lib/errors";
import { clientIp } from "@/lib/http/client-ip";
import { noShowReport, type NoShowReport, type Outcomes } from "@/lib/reports/no-shows";
import { addDays, localDate } from "@/lib/time/zones";

export const dynamic = "force-dynamic";

interface PageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
const percent = (rate: number | null) => (rate === null ? "—" : `${Math.round(rate * 1000) / 10}%`);

function Cells({ o }: { o: Outcomes }) {
  return (
    <>
      <td>{o.appointments}</td>
      <td>{o.attended}</td>
      <td>{o.noShows}</td>
      <td>{o.cancelled}</td>
      <td>{percent(o.noShowRate)}</td>
    </>
  );
}

/** No-show rates per patient and per cohort over a chosen period (issue 11), counted in Postgres. */
export default async function ReportsPage({ searchParams }: PageProps) {
  const actor = await requirePageActor(["admin", "staff"]);
  const params = await searchParams;
  const today = localDate(new Date(), actor.timeZone);
  const start = first(params.start) || addDays(today, -90);
  const end = first(params.end) || today;
  const cohortId = first(params.cohort) || undefined;
  const [{ userName, orgName }, cohorts] = await Promise.all([describeActor(actor), listCohorts(actor)]);
  let report: NoShowReport | null = null;
  let problem = "";
  try {
    report = await noShowReport(actor, { start, end, ...(cohortId ? { cohortId } : {}) });
    const ip = clientIp(await headers());
    await recordAudit(actor, { action: "events.read", patientIds: report.patients.map((p) => p.patientId), ip, details: { via: "no-show-report", start, end } });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    problem = error.message;
  }
  const scope = cohortId ? `Cohort ${cohorts.find((c) => c.id === cohortId)?.name ?? ""}` : "Whole organisation";
  return (
    <>
      <AppHeader title={`${orgName} — reports`} subtitle={`${userName} (${actor.role})`} nav="staff" current="/reports" role={actor.role} />
      <main className="report">
        <h2>No-show rate</h2>
        <form className="report-form" method="get" aria-label="Report period">
          <label className="field">
            From
            <input type="date" name="start" defaultValue={start} required />
          </label>
          <label className="field">
            To
            <input type="date" name="end" defaultValue={end} required />
          </label>
          <label className="field">
            Patients
            <select name="cohort" defaultValue={cohortId ?? ""}>
              <option value="">Whole organisation</option>
              {cohorts.map((c) => (
                <option key={c.id} value={c.id}>
                  Cohort: {c.name}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">Show</button>
        </form>
        {problem && (
          <p className="error" role="alert">
            {problem}
          </p>
        )}
        {report && (
          <table aria-label={`No-shows, ${scope}, ${start} to ${end}`}>
            <caption className="muted">
              No-show rate: no-shows over appointments whose outcome was recorded (attended or no-show).
            </caption>
            <thead>
              <tr>
                <th scope="col">Patient</th>
                <th scope="col">Appointments</th>
                <th scope="col">Attended</th>
                <th scope="col">No-shows</th>
                <th scope="col">Cancelled</th>
                <th scope="col">No-show rate</th>
              </tr>
            </thead>
            <tbody>
              {report.patients.map((p) => (
                <tr key={p.patientId}>
                  <th scope="row">{p.name}</th>
                  <Cells o={p} />
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{scope}</th>
                <Cells o={report.total} />
              </tr>
            </tfoot>
          </table>
        )}
      </main>
    </>
  );
}
