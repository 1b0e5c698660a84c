import Link from "next/link";
import { AppHeader } from "@/components/AppHeader";
import { FlashMessages } from "@/components/admin/FlashMessages";
import { describeActor } from "@/lib/auth/describe-actor";
import { requirePageActor } from "@/lib/auth/require-page-actor";
import { listPatientsForAdmin } from "@/lib/patients/admin-patients";

export const dynamic = "force-dynamic";

type Params = Record<string, string | undefined>;
const LOGIN_LABEL = { none: "—", invited: "Invited", active: "Active", disabled: "Disabled" } as const;

/** The organisation's patients: search, sort and paging on the server (50 a page), for admins and staff. */
export default async function PatientsPage({ searchParams }: { searchParams: Promise<Params> }) {
  const actor = await requirePageActor(["admin", "staff"]);
  const params = await searchParams;
  const [{ userName, orgName }, list] = await Promise.all([describeActor(actor), listPatientsForAdmin(actor, params)]);
  const q = params.q ?? "";
  const sort = params.sort === "dateOfBirth" ? "dateOfBirth" : "name";
  const dir = params.dir === "desc" ? "desc" : "asc";
  const archived = params.archived === "archived" || params.archived === "all" ? params.archived : "active";
  const href = (changes: Params) => {
    const next = new URLSearchParams(Object.entries({ q, sort, dir, archived, page: String(list.page), ...changes }).filter(([, v]) => v) as [string, string][]);
    return `/patients?${next.toString()}`;
  };
  const sortLink = (key: "name" | "dateOfBirth", label: string) => {
    const active = sort === key;
    const nextDir = active && dir === "asc" ? "desc" : "asc";
    return (
      <th scope="col" aria-sort={active ? (dir === "asc" ? "ascending" : "descending") : "none"}>
        <Link href={href({ sort: key, dir: nextDir, page: "1" })}>
          {label} {active ? (dir === "asc" ? "▲" : "▼") : ""}
        </Link>
      </th>
    );
  };
  const isAdmin = actor.role === "admin";
  return (
    <>
      <AppHeader title={`${orgName} — patients`} subtitle={`${userName} (${actor.role})`} role={actor.role} current="/patients" />
      <main className="admin-page">
        <FlashMessages notice={params.notice} error={params.error} />
        <form className="toolbar" role="search" action="/patients">
          <label htmlFor="q">Search by name</label>{" "}
          <input id="q" name="q" type="search" defaultValue={q} maxLength={100} />{" "}
          <label htmlFor="archived">Show</label>{" "}
          <select id="archived" name="archived" defaultValue={archived}>
            <option value="active">Active patients</option>
            <option value="archived">Archived patients</option>
            <option value="all">All patients</option>
          </select>
          <input type="hidden" name="sort" value={sort} />
          <input type="hidden" name="dir" value={dir} />{" "}
          <button type="submit">Search</button>
          {isAdmin ? (
            <>
              {" "}
              <Link className="button" href="/patients/new">New patient</Link> <Link className="button" href="/patients/import">Import CSV</Link>
            </>
          ) : null}
        </form>
        <p role="status" aria-label="Patient count">
          {list.total.toLocaleString("en-US")} patient{list.total === 1 ? "" : "s"}
          {list.pages > 1 ? ` · page ${list.page} of ${list.pages}` : ""}
        </p>
        <table className="data" aria-label="Patients">
          <thead>
            <tr>
              {sortLink("name", "Name")}
              {sortLink("dateOfBirth", "Date of birth")}
              <th scope="col">External id</th>
              <th scope="col">E-mail</th>
              <th scope="col">Login</th>
            </tr>
          </thead>
          <tbody>
            {list.patients.map((p) => (
              <tr key={p.id}>
                <td>
                  <span className="swatch" style={{ background: p.color }} aria-hidden="true" /> <Link href={`/patients/${p.id}`}>{p.name}</Link>
                  {p.archived ? " (archived)" : ""}
                </td>
                <td>{p.dateOfBirth ?? ""}</td>
                <td>{p.externalId ?? ""}</td>
                <td>{p.email ?? ""}</td>
                <td>{LOGIN_LABEL[p.login]}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.pages > 1 ? (
          <nav aria-label="Pages" className="pager">
            {list.page > 1 ? <Link href={href({ page: String(list.page - 1) })}>Previous page</Link> : null}{" "}
            {list.page < list.pages ? <Link href={href({ page: String(list.page + 1) })}>Next page</Link> : null}
          </nav>
        ) : null}
      </main>
    </>
  );
}
