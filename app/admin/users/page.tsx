import Link from "next/link";
import { AppHeader } from "@/components/AppHeader";
import { HydrationMark } from "@/components/admin/HydrationMark";
import { InviteLinkButton } from "@/components/admin/InviteLinkButton";
import { listOrgUsers } from "@/lib/auth/accounts";
import { describeActor } from "@/lib/auth/describe-actor";
import { requirePageActor } from "@/lib/auth/require-page-actor";

export const dynamic = "force-dynamic";

export default async function UsersPage() {
  const actor = await requirePageActor(["admin"]);
  const [{ userName, orgName }, users] = await Promise.all([describeActor(actor), listOrgUsers(actor)]);
  return (
    <>
      <AppHeader title={`${orgName} — users`} subtitle={`${userName} (admin)`} role={actor.role} current="/admin/users" />
      <main className="admin-page">
        <HydrationMark />
        <section aria-labelledby="invite-staff">
          <h2 id="invite-staff">Invite a staff member</h2>
          <InviteLinkButton
            endpoint="/api/admin/staff"
            label="Invite"
            fields={[
              { name: "name", label: "Name", required: true },
              { name: "email", label: "E-mail", type: "email", required: true },
              { name: "role", label: "Role", options: ["staff", "admin"], defaultValue: "staff" },
            ]}
          />
        </section>
        <p>Patients&apos; logins are managed from each patient&apos;s page (<Link href="/patients">Patients</Link>).</p>
        <table className="data" aria-label="Users">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">E-mail</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr key={user.id}>
                <td>
                  <Link href={`/admin/users/${user.id}`}>{user.name}</Link>
                </td>
                <td>{user.email}</td>
                <td>{user.role}</td>
                <td>{user.disabled ? "Disabled" : user.invited ? "Invited" : "Active"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </main>
    </>
  );
}
