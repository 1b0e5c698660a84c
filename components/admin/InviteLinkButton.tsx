"use client";

import { useState, type FormEvent } from "react";

interface Issued {
  url: string;
  expiresAt: string;
  email: string;
  emailed: boolean;
}

/**
 * Asks a route handler for a one-time link (an invitation or a reset) and shows it to the admin, who
 * passes it on when it was not e-mailed. `fields` are inputs the admin fills in first (JSON body).
 */
export function InviteLinkButton({
  endpoint,
  label,
  fields = [],
  danger = false,
}: {
  endpoint: string;
  label: string;
  fields?: { name: string; label: string; type?: string; defaultValue?: string; options?: string[]; required?: boolean }[];
  danger?: boolean;
}) {
  const [issued, setIssued] = useState<Issued | null>(null);
  const [error, setError] = useState("");
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError("");
    try {
      const response = await fetch(endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(Object.fromEntries(fields.map((f) => [f.name, String(form.get(f.name) ?? "")]))),
      });
      const body = (await response.json().catch(() => null)) as (Issued & { error?: { message: string } }) | null;
      if (!response.ok || !body) setError(body?.error?.message ?? `The request failed (${response.status})`);
      else setIssued(body);
    } catch {
      setError("The server could not be reached");
    } finally {
      setPending(false);
    }
  }

  return (
    <form className="invite-form" onSubmit={onSubmit} aria-label={label}>
      {fields.map((f) => (
        <span key={f.name} className="field">
          <label htmlFor={`${endpoint}-${f.name}`}>{f.label}</label>{" "}
          {f.options ? (
            <select id={`${endpoint}-${f.name}`} name={f.name} defaultValue={f.defaultValue}>
              {f.options.map((o) => (
                <option key={o} value={o}>{o}</option>
              ))}
            </select>
          ) : (
            <input id={`${endpoint}-${f.name}`} name={f.name} type={f.type ?? "text"} defaultValue={f.defaultValue} required={f.required} />
          )}{" "}
        </span>
      ))}
      <button type="submit" className={danger ? "danger" : "primary"} disabled={pending}>
        {label}
      </button>
      {error ? <p className="error" role="alert">{error}</p> : null}
      {issued ? (
        <div className="notice" role="status">
          <p>
            {issued.emailed ? `E-mailed to ${issued.email}. ` : `Not e-mailed (no mail server configured): pass this link to ${issued.email}. `}
            It works once, until {new Date(issued.expiresAt).toLocaleString()}.
          </p>
          <p>
            <label htmlFor={`${endpoint}-link`}>One-time link</label>{" "}
            <input id={`${endpoint}-link`} readOnly value={issued.url} size={60} onFocus={(e) => e.currentTarget.select()} />
          </p>
        </div>
      ) : null}
    </form>
  );
}
