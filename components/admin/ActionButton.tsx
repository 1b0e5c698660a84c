"use client";

import { useActionState } from "react";
import type { ActionState } from "@/lib/http/action-state";

/** A one-button form posting hidden fields to a server action, showing what it answered. */
export function ActionButton({
  action,
  fields,
  label,
  danger = false,
}: {
  action: (state: ActionState, form: FormData) => Promise<ActionState>;
  fields: Record<string, string>;
  label: string;
  danger?: boolean;
}) {
  const [state, formAction, pending] = useActionState(action, { status: "idle" } as ActionState);
  return (
    <form className="action-form" action={formAction}>
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button type="submit" className={danger ? "danger" : undefined} disabled={pending}>
        {label}
      </button>
      {state.status === "error" && (
        <span role="alert" className="error">
          {" "}
          {state.message}
        </span>
      )}
      {state.status === "ok" && (
        <span role="status" className="notice">
          {" "}
          {state.message}
        </span>
      )}
    </form>
  );
}
