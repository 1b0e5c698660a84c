"use client";

import { useActionState } from "react";
import type { ActionState } from "@/lib/http/action-state";

export function ChangePasswordForm({ action }: { action: (state: ActionState, form: FormData) => Promise<ActionState> }) {
  const [state, formAction, pending] = useActionState(action, { status: "idle" } as ActionState);
  return (
    <form className="panel-form" action={formAction} aria-labelledby="change-password-title">
      <h2 id="change-password-title">Change password</h2>
      <p className="hint">All your sessions end, on every device; you then sign in with the new password.</p>
      <label htmlFor="currentPassword">Current password</label>
      <input id="currentPassword" name="currentPassword" type="password" autoComplete="current-password" required />
      <label htmlFor="newPassword">New password</label>
      <input id="newPassword" name="newPassword" type="password" autoComplete="new-password" minLength={12} maxLength={128} required />
      {state.status === "error" && (
        <p role="alert" className="error">
          {state.message}
        </p>
      )}
      <button type="submit" className="primary" disabled={pending}>
        {pending ? "Changing…" : "Change password"}
      </button>
    </form>
  );
}
