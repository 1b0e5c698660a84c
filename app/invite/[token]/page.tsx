import { HydrationMark } from "@/components/admin/HydrationMark";
import { describeInvite } from "@/lib/auth/invites";
import { acceptInviteAction } from "../actions";

export const dynamic = "force-dynamic";

/** The page of a one-time link: choose a password (no session needed; the link is the credential). */
export default async function InvitePage({ params, searchParams }: { params: Promise<{ token: string }>; searchParams: Promise<{ error?: string }> }) {
  const [{ token }, { error }] = await Promise.all([params, searchParams]);
  const invite = await describeInvite(token);
  return (
    <main>
      <HydrationMark />
      <form className="login" action={acceptInviteAction} aria-labelledby="invite-title">
        <h1 id="invite-title">Choose your password</h1>
        {invite ? (
          <>
            <p>
              {invite.name}, {invite.orgName} invites you to its calendar. You will sign in as <strong>{invite.email}</strong>.
            </p>
            <input type="hidden" name="token" value={token} />
            <label htmlFor="password">New password (at least 12 characters)</label>
            <input id="password" name="password" type="password" autoComplete="new-password" minLength={12} maxLength={128} required />
            <label htmlFor="confirm">Repeat the password</label>
            <input id="confirm" name="confirm" type="password" autoComplete="new-password" minLength={12} maxLength={128} required />
            {error ? <p className="error" role="alert">{error}</p> : null}
            <button type="submit" className="primary">Set password</button>
          </>
        ) : (
          <p className="error" role="alert">
            This link does not work: it was already used, it has expired, or the account was disabled. Ask your clinic for a new one.
          </p>
        )}
      </form>
    </main>
  );
}
