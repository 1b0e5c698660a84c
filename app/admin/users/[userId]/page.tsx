import { notFound } from "next/navigation";
import { AppHeader } from "@/components/AppHeader";
import { ActionButton } from "@/components/admin/ActionButton";
import { findOrgUser, listSessionsOf } from "@/lib/auth/accounts";
import { describeActor } from "@/lib/auth/describe-actor";
import { requirePageActor } from "@/lib/auth/require-page-actor";
import { AppError } from "@/lib/errors";
import { FlashMessages } from "@/components/admin/FlashMessages";
import { changeRoleAction, revokeSessionsAction, setUserDisabledAction } from "../actions";

export const dynamic = "force-dynamic";

const when = (date: Date) => date.toISOString().replace("T", " ").slice(0, 16) + " UTC";

export default async function UserSessionsPage({
  params,
  searchParams,
}: {
  params: Promise<{ userId: string }>;
  searchParams: Promise<{ notice?: string; error?: string }>;
}) {
  const actor = await requirePageActor(["admin"]);
  const { userId } = await params;
  const user = await findOrgUser(actor, userId).catch((error: unknown) => {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  });
  const [{ userName, orgName }, sessions] = await Promise.all([describeActor(actor), listSessionsOf(actor, user.id)]);
  return (
    <>
      <AppHeader title={`${orgName} — ${user.name}`} subtitle={`${userName} (admin)`} role={actor.role} />
      <main>
        <FlashMessages {...await searchParams} />
        <p>
          {user.email} · {user.role} · {user.disabled ? "Disabled" : user.invited ? "Invited (no password set yet)" : "Active"}{" "}
          {user.id !== actor.userId && (
            <ActionButton
              action={setUserDisabledAction}
              fields={{ userId: user.id, disabled: user.disabled ? "0" : "1" }}
              label={user.disabled ? "Enable account" : "Disable account"}
              danger={!user.disabled}
            />
          )}
        </p>
        {user.role !== "patient" && user.id !== actor.userId ? (
          <form action={changeRoleAction} className="action-form">
            <input type="hidden" name="userId" value={user.id} />
            <input type="hidden" name="role" value={user.role === "admin" ? "staff" : "admin"} />
            <button type="submit">{user.role === "admin" ? "Make staff member" : "Make admin"}</button>
          </form>
        ) : null}
        <h2>Sessions</h2>
        {sessions.length === 0 ? (
          <p>No active sessions.</p>
        ) : (
          <>
            <table className="data" aria-label="Sessions">
              <thead>
                <tr>
                  <th scope="col">Signed in</th>
                  <th scope="col">Last active</th>
                  <th scope="col">Ends</th>
                  <th scope="col">Address</th>
                  <th scope="col">Browser</th>
                  <th scope="col" />
                </tr>
              </thead>
              <tbody>
                {sessions.map((session) => (
                  <tr key={session.handle}>
                    <td>{when(session.createdAt)}</td>
                    <td>{when(session.lastSeenAt)}</td>
                    <td>{when(session.expiresAt)}</td>
                    <td>{session.ip}</td>
                    <td>{session.userAgent}</td>
                    <td>
                      <ActionButton action={revokeSessionsAction} fields={{ userId: user.id, handle: session.handle }} label="Revoke" danger />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p>
              <ActionButton action={revokeSessionsAction} fields={{ userId: user.id }} label="Revoke all sessions" danger />
            </p>
          </>
        )}
      </main>
    </>
  );
}
