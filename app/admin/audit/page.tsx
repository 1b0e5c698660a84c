import { AppHeader } from "@/components/AppHeader";
import { AUDIT_ACTIONS, auditFiltersSchema, listAuditEntries, type AuditRow } from "@/lib/audit/query";
import { describeActor } from "@/lib/auth/describe-actor";
import { requirePageActor } from "@/lib/auth/require-page-actor";

export const dynamic = "force-dynamic";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function patients(row: AuditRow): string {
  if (row.allPatients) return "All patients";
  if (row.patientCount === 0) return "";
  const more = row.patientCount - row.patientNames.length;
  return row.patientNames.join(", ") + (more > 0 ? ` and ${more} more` : "");
}

function subject(row: AuditRow): string {
  const parts = [
    row.eventId ? `Event: ${row.eventTitle ?? `(deleted) ${row.eventId}`}` : "",
    row.cohortName ? `Cohort: ${row.cohortName}` : "",
    row.subjectName ? `User: ${row.subjectName}` : "",
    typeof row.details.start === "string" ? `${row.details.start.slice(0, 10)} – ${String(row.details.end ?? "").slice(0, 10)}` : "",
  ];
  return parts.filter(Boolean).join(" · ");
}

/** Who read or changed which patient's events: the admin's own organisation only. Everything renders as text. */
export default async function AuditPage({ searchParams }: { searchParams: SearchParams }) {
  const actor = await requirePageActor(["admin"]);
  const raw = await searchParams;
  const filters = auditFiltersSchema.parse(Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])));
  const [{ userName, orgName }, rows] = await Promise.all([describeActor(actor), listAuditEntries(actor, filters)]);
  return (
    <>
      <AppHeader title={`${orgName} — audit log`} subtitle={`${userName} (admin)`} role={actor.role} />
      <main>
        <form className="filters" method="get" aria-label="Filter the audit log">
          <label>
            Patient (name or id)
            <input name="patient" defaultValue={filters.patient ?? ""} />
          </label>
          <label>
            User (name, e-mail or id)
            <input name="user" defaultValue={filters.user ?? ""} />
          </label>
          <label>
            Action
            <select name="action" defaultValue={filters.action ?? ""}>
              <option value="">Any</option>
              {AUDIT_ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          </label>
          <label>
            From
            <input type="date" name="from" defaultValue={filters.from ?? ""} />
          </label>
          <label>
            To
            <input type="date" name="to" defaultValue={filters.to ?? ""} />
          </label>
          <button type="submit">Filter</button>
        </form>
        <table className="data" aria-label="Audit entries">
          <thead>
            <tr>
              <th scope="col">When (UTC)</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Patients</th>
              <th scope="col">About</th>
              <th scope="col">Address</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id}>
                <td>{row.occurredAt.replace("T", " ").replace("Z", "")}</td>
                <td>{row.actorName ? `${row.actorName} (${row.actorRole})` : row.actorRole}</td>
                <td>{row.action}</td>
                <td>{patients(row)}</td>
                <td>{subject(row)}</td>
                <td>{row.ip ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length === 0 && <p>No entries match.</p>}
      </main>
    </>
  );
}
