import Link from "next/link";
import { AppHeader } from "@/components/AppHeader";
import { listOrgUsers } from "@/lib/auth/accounts";
import { describeActor } from "@/lib/auth/describe-actor";
import { requirePageActor } from "@/lib/auth/require-page-actor";

export const dynamic = "force-dynamic";

export default async function UsersPage() {
  const actor = await requirePageActor(["admin"]);
  const [{ userName, orgName }, users] = await Promise.all([describeActor(actor), listOrgUsers(actor)]);
  return (
    <>
      <AppHeader title={`${orgName} — users`} subtitle={`${userName} (admin)`} role={actor.role} />
      <main>
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
                <td>{user.disabled ? "Disabled" : "Active"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </main>
    </>
  );
}
