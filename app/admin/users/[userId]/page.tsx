import { notFound } from "next/navigation";
import { AppHeader } from "@/components/AppHeader";
import { ActionButton } from "@/components/admin/ActionButton";
import { findOrgUser, listSessionsOf } from "@/lib/auth/accounts";
import { describeActor } from "@/lib/auth/describe-actor";
import { requirePageActor } from "@/lib/auth/require-page-actor";
import { AppError } from "@/lib/errors";
import { revokeSessionsAction, setUserDisabledAction } from "../actions";

export const dynamic = "force-dynamic";

const when = (date: Date) => date.toISOString().replace("T", " ").slice(0, 16) + " UTC";

export default async function UserSessionsPage({ params }: { params: Promise<{ userId: string }> }) {
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
        <p>
          {user.email} · {user.role} · {user.disabled ? "Disabled" : "Active"}{" "}
          {user.id !== actor.userId && (
            <ActionButton
              action={setUserDisabledAction}
              fields={{ userId: user.id, disabled: user.disabled ? "0" : "1" }}
              label={user.disabled ? "Enable account" : "Disable account"}
              danger={!user.disabled}
            />
          )}
        </p>
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
