import { headers } from "next/headers";
import { AppHeader } from "@/components/AppHeader";
import { recordAudit } from "@/lib/audit/record";
import { PrintButton } from "@/components/PrintButton";
import { describeActor } from "@/lib/auth/describe-actor";
import { requirePageActor } from "@/lib/auth/require-page-actor";
import { daySheets, type DaySheet } from "@/lib/day-sheet/day-sheet";
import { AppError } from "@/lib/errors";
import { clinicDirectory } from "@/lib/resources/resources";
import { clientIp } from "@/lib/http/client-ip";
import { localDate } from "@/lib/time/zones";

export const dynamic = "force-dynamic";

interface PageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

const STATUS: Record<string, string> = { booked: "Booked", confirmed: "Confirmed", checked_in: "Checked in", attended: "Attended", no_show: "No-show", cancelled: "Cancelled" };
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

function longDate(date: string): string {
  return new Intl.DateTimeFormat("en-US", { weekday: "long", month: "long", day: "numeric", year: "numeric", timeZone: "UTC" }).format(new Date(`${date}T12:00:00Z`));
}

function Sheet({ sheet, date }: { sheet: DaySheet; date: string }) {
  const heading = `${sheet.resource.name} — ${longDate(date)}`;
  const otherLabel = sheet.resource.kind === "clinician" ? "Room" : "Clinician";
  return (
    <section className="day-sheet" aria-label={heading}>
      <h2>{heading}</h2>
      <p className="muted">
        {sheet.appointments.length} appointment{sheet.appointments.length === 1 ? "" : "s"}
      </p>
      {sheet.appointments.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Patient</th>
              <th scope="col">Appointment</th>
              <th scope="col">Type</th>
              <th scope="col">Status</th>
              <th scope="col">{otherLabel}</th>
              <th scope="col">Notes</th>
            </tr>
          </thead>
          <tbody>
            {sheet.appointments.map((a, i) => (
              <tr key={`${a.eventId}-${i}`} className={a.status === "cancelled" ? "status-cancelled" : undefined}>
                <td>{a.start ? `${a.start}–${a.end}` : "All day"}</td>
                <td>{a.patients.join(", ")}</td>
                <td className={a.status === "cancelled" ? "status-cancelled" : undefined}>{a.title}</td>
                <td>{a.type ?? ""}</td>
                <td>
                  {STATUS[a.status]}
                  {a.statusReason ? ` (${a.statusReason})` : ""}
                </td>
                <td>{a.other ?? ""}</td>
                <td className="pre">{[a.location, a.notes].filter(Boolean).join("\n")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The printable day sheet per clinician or room (issue 11): `?date=YYYY-MM-DD&kind=clinician|room[&resource=id]`. */
export default async function DaySheetPage({ searchParams }: PageProps) {
  const actor = await requirePageActor(["admin", "staff"]);
  const params = await searchParams;
  const date = first(params.date) || localDate(new Date(), actor.timeZone);
  const kind = first(params.kind) === "room" ? "room" : "clinician";
  const resource = first(params.resource) || undefined;
  const [{ userName, orgName }, clinic] = await Promise.all([describeActor(actor), clinicDirectory(actor)]);
  let result: Awaited<ReturnType<typeof daySheets>> | null = null;
  let problem = "";
  try {
    const chosen = resource && [...clinic.clinicians, ...clinic.rooms].some((r) => r.id === resource && r.kind === kind) ? resource : undefined;
    result = await daySheets(actor, { date, kind, ...(chosen ? { resourceId: chosen } : {}) });
    // A day sheet lists patients' appointments: a read for the audit trail.
    await recordAudit(actor, { action: "events.read", patientIds: result.patientIds, ip: clientIp(await headers()), details: { via: "day-sheet", date } });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    problem = error.message;
  }
  const options = kind === "clinician" ? clinic.clinicians : clinic.rooms;
  return (
    <>
      <AppHeader title={`${orgName} — day sheet`} subtitle={`${userName} (${actor.role})`} nav="staff" current="/day-sheet" role={actor.role} />
      <main>
        <form className="day-sheet-controls" method="get" aria-label="Choose the day sheet">
          <label className="field">
            Day
            <input type="date" name="date" defaultValue={date} required />
          </label>
          <label className="field">
            Sheets per
            <select name="kind" defaultValue={kind}>
              <option value="clinician">Clinician</option>
              <option value="room">Room</option>
            </select>
          </label>
          <label className="field">
            Only
            <select name="resource" defaultValue={resource ?? ""}>
              <option value="">Everyone with appointments</option>
              {options.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">Show</button>
          <PrintButton label="Print day sheet" />
        </form>
        {problem && (
          <p className="error" role="alert">
            {problem}
          </p>
        )}
        {result && result.sheets.length === 0 && <p className="muted">No appointments with a {kind} on {longDate(date)}.</p>}
        {result?.sheets.map((sheet) => <Sheet key={sheet.resource.id} sheet={sheet} date={result.date} />)}
      </main>
    </>
  );
}
